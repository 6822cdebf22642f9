using Azure;
using Azure.Data.Tables;
using Funnel.Events.Days;
using Funnel.Events.Ingest;
using Funnel.Metrics;
using Funnel.Storage.Keys;

namespace Funnel.Storage.Ingest;

/// <summary>
/// The <c>IngestRefusals</c> table: partition = day, row = the reason's digest, with the reason and its <c>Count</c>. An increment reads
/// the row and replaces it only if nobody changed it since (ETag), else reads again, so concurrent instances
/// never overwrite each other's increments.
/// </summary>
public sealed class TableIngestRefusalCounters(TableServiceClient tables) : IIngestRefusalCounters
{
    /// <summary>Many instances flushing one busy counter at once can lose the race dozens of times in a row; the back-off grows to 1 s.</summary>
    private const int MaxAttempts = 200;
    private readonly TableClient _table = tables.GetTableClient(StorageNames.IngestRefusalsTable);

    public async Task AddAsync(DateOnly day, string reason, long count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var (partition, row) = (ReportingDay.Format(day), RowKeyOf(reason));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var existing = await _table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
                if (existing.HasValue && existing.Value is { } entity)
                {
                    entity["Count"] = (entity.GetInt64("Count") ?? 0) + count;
                    await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await _table.AddEntityAsync(new TableEntity(partition, row) { ["Reason"] = reason, ["Count"] = count }, cancellationToken);
                }
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another instance added the row or changed it first: read it again and add on top.
                await Task.Delay(Random.Shared.Next(5, 20 * Math.Min(attempt, 50)), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<RejectedAtIngest>> ReadAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var counts = new List<RejectedAtIngest>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReportingDay.Format(day)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetString("Reason") is { } reason && row.GetInt64("Count") is { } count and > 0)
            {
                counts.Add(new RejectedAtIngest(reason, count));
            }
        }
        return [.. counts.OrderByDescending(c => c.Count).ThenBy(c => c.Reason, StringComparer.Ordinal)];
    }

    /// <summary>The reason's row key: its digest (<see cref="HashedKey"/>), as any text may be a reason; the reason itself is kept in the row.</summary>
    public static string RowKeyOf(string reason) => HashedKey.Of(reason);
}
