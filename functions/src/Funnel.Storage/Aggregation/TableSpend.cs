using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Funnel.Events.Days;
using Funnel.Metrics;

namespace Funnel.Storage.Aggregation;

/// <summary>
/// The <c>ChannelSpend</c> table: partition = day, row = the channel's UTF-8 bytes in hex (any name is a valid key), then for a
/// campaign's row "." and the campaign's bytes in hex, so a report's 30 days are one partition-range query and an upload is a
/// transaction per day.
/// </summary>
public sealed class TableSpend(TableServiceClient tables) : ISpendTable
{
    /// <summary>The most operations one entity-group transaction takes.</summary>
    private const int TransactionLimit = 100;

    private readonly TableClient _table = tables.GetTableClient(StorageNames.ChannelSpendTable);

    public async Task PutAsync(IReadOnlyList<SpendRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var day in rows.GroupBy(r => r.Day))
        {
            foreach (var chunk in day.Chunk(TransactionLimit))
            {
                await _table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(r))), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<SpendRow>> ReadAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var rows = new List<SpendRow>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {ReportingDay.Format(first)} and PartitionKey le {ReportingDay.Format(last)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (ReportingDay.TryParse(row.PartitionKey, out var day) && row.GetString("Channel") is { } channel
                && decimal.TryParse(row.GetString("Amount"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                rows.Add(new SpendRow(day, channel, amount, row.GetString("Currency") ?? "", row.GetString("Campaign") is { Length: > 0 } campaign ? campaign : null));
            }
        }
        return rows;
    }

    private static TableEntity Entity(SpendRow r)
    {
        var entity = new TableEntity(ReportingDay.Format(r.Day), RowKey(r.Channel, r.Campaign))
        {
            ["Channel"] = r.Channel,
            // Kept as text: a table's double would round the amount.
            ["Amount"] = r.Amount.ToString(CultureInfo.InvariantCulture),
            ["Currency"] = r.Currency,
        };
        if (r.Campaign is not null)
        {
            entity["Campaign"] = r.Campaign;
        }
        return entity;
    }

    private static string RowKey(string channel, string? campaign) =>
        campaign is null ? Hex(channel) : $"{Hex(channel)}.{Hex(campaign)}";

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
}
