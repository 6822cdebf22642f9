using Azure;
using Azure.Data.Tables;
using Funnel.Domain.Processing;

namespace Funnel.Storage.Raw;

/// <summary>
/// The <c>RawBatches</c> table: PK the processing day (yyyy-MM-dd), RK the batch id, <c>Groups</c> the raw groups
/// the batch was written to, comma-separated. A group's claims are one transaction (one call for up to 100 batches);
/// a batch claimed before makes it fail at that batch, which is then read, extended and left out of the retry.
/// </summary>
public sealed class TableRawBatchClaims(TableServiceClient tables) : IRawBatchClaims
{
    private const string GroupsColumn = "Groups";
    private readonly TableClient _table = tables.GetTableClient(StorageNames.RawBatchesTable);

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<string> batchIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        var partition = RawBlobName.DayFolder(day);
        var earlier = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var toAdd = batchIds.ToList();
        while (toAdd.Count > 0)
        {
            try
            {
                await _table.SubmitTransactionAsync(
                    toAdd.Select(id => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, id) { [GroupsColumn] = group })),
                    cancellationToken);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex is { } failed && failed < toAdd.Count)
            {
                earlier[toAdd[failed]] = await ExtendAsync(partition, toAdd[failed], group, cancellationToken);
                toAdd.RemoveAt(failed);
            }
        }
        return earlier;
    }

    /// <summary>Adds <paramref name="group"/> to a batch's claim; returns the groups it named before.</summary>
    private async Task<IReadOnlyList<string>> ExtendAsync(string partition, string batchId, string group, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = (await _table.GetEntityAsync<TableEntity>(partition, batchId, cancellationToken: cancellationToken)).Value;
            var groups = (row.GetString(GroupsColumn) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
            row[GroupsColumn] = string.Join(',', groups.Append(group));
            try
            {
                await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return groups;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another delivery of the same batch extended it meanwhile: read again.
            }
        }
    }
}
