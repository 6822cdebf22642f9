using Azure.Data.Tables;
using Funnel.Engine.Aggregation;
using Funnel.Events.Days;

namespace Funnel.Storage.Aggregation;

/// <summary>The <c>DailyMetrics</c> table: partition = metric, row = day, so a metric's trend is one partition scan.</summary>
public sealed class TableDailyMetrics(TableServiceClient tables) : IDailyMetricsTable
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.DailyMetricsTable);

    public async Task WriteAsync(DateOnly day, IReadOnlyDictionary<string, double> metrics, bool provisional, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        // One upsert per row: every metric is its own partition, and a table transaction may not span partitions.
        foreach (var (metric, value) in metrics)
        {
            var entity = new TableEntity(metric, ReportingDay.Format(day)) { ["Value"] = value, ["Provisional"] = provisional };
            await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }
    }

    public async Task<IReadOnlyDictionary<DateOnly, double>> ReadAsync(string metric, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var series = new SortedDictionary<DateOnly, double>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {metric} and RowKey ge {ReportingDay.Format(firstDay)} and RowKey le {ReportingDay.Format(lastDay)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (ReportingDay.TryParse(row.RowKey, out var day)
                && row.GetDouble("Value") is { } value)
            {
                series[day] = value;
            }
        }
        return series;
    }
}
