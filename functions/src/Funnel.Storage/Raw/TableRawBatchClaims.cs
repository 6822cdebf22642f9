using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Funnel.Engine.Processing;
using Funnel.Events.Days;

namespace Funnel.Storage.Raw;

/// <summary>
/// The <c>RawBatches</c> table: PK the processing day (yyyy-MM-dd), RK the batch id, <c>Groups</c> the raw groups
/// the batch was written to and <c>Shards</c> the shards its first claim named, comma-separated, <c>Content</c> the first claim's content fingerprint. A group's claims are one transaction (one call for up to 100 batches);
/// a batch claimed before makes it fail at that batch, which is then read, extended and left out of the retry.
/// </summary>
public sealed class TableRawBatchClaims(TableServiceClient tables) : IRawBatchClaims
{
    private const string GroupsColumn = "Groups";
    private const string ShardsColumn = "Shards";
    private const string ContentColumn = "Content";
    private readonly TableClient _table = tables.GetTableClient(StorageNames.RawBatchesTable);

    public async Task<IReadOnlyDictionary<string, EarlierClaim>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<RawBatchClaim> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var partition = ReportingDay.Format(day);
        var earlier = new Dictionary<string, EarlierClaim>(StringComparer.Ordinal);
        var toAdd = batches.ToList();
        while (toAdd.Count > 0)
        {
            try
            {
                await _table.SubmitTransactionAsync(
                    toAdd.Select(b => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, b.BatchId)
                    {
                        [GroupsColumn] = group,
                        [ShardsColumn] = string.Join(',', b.Shards.Select(s => s.ToString(CultureInfo.InvariantCulture))),
                        [ContentColumn] = b.Content,
                    })),
                    cancellationToken);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex is { } failed && failed < toAdd.Count)
            {
                earlier[toAdd[failed].BatchId] = await ExtendAsync(partition, toAdd[failed].BatchId, group, cancellationToken);
                toAdd.RemoveAt(failed);
            }
        }
        return earlier;
    }

    /// <summary>Adds <paramref name="group"/> to a batch's claim; returns what it said before.</summary>
    private async Task<EarlierClaim> ExtendAsync(string partition, string batchId, string group, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = (await _table.GetEntityAsync<TableEntity>(partition, batchId, cancellationToken: cancellationToken)).Value;
            var groups = (row.GetString(GroupsColumn) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
            row[GroupsColumn] = string.Join(',', groups.Append(group));
            try
            {
                await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                var shards = (row.GetString(ShardsColumn) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
                return new EarlierClaim(groups, shards) { Content = row.GetString(ContentColumn) };
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another delivery of the same batch extended it meanwhile: read again.
            }
        }
    }
}
