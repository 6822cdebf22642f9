using Azure.Data.Tables;
using Funnel.Engine.Aggregation;
using Funnel.Events.Days;

namespace Funnel.Storage.Aggregation;

/// <summary>The <c>AggregationRuns</c> table: partition = reporting day, row = orchestration instance id, so a day's runs are one partition scan.</summary>
public sealed class TableRunHistory(TableServiceClient tables) : IRunHistory
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.AggregationRunsTable);

    public Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var entity = new TableEntity(ReportingDay.Format(run.Day), run.InstanceId)
        {
            ["Status"] = run.Status,
            ["StartedAt"] = run.StartedAt,
            ["EndedAt"] = run.EndedAt,
            ["Reason"] = run.Reason,
        };
        return _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<RunRecord?> LatestAsync(DateOnly day, CancellationToken cancellationToken)
    {
        RunRecord? latest = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReportingDay.Format(day)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("StartedAt") is not { } started || row.GetString("Status") is not { } status)
            {
                continue;
            }
            var run = new RunRecord(day, row.RowKey, status, started, row.GetDateTimeOffset("EndedAt"), row.GetString("Reason"));
            if (latest is null || run.StartedAt > latest.StartedAt)
            {
                latest = run;
            }
        }
        return latest;
    }
}
