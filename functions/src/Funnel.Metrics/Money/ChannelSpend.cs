using System.Globalization;
using System.Text;
using Funnel.Events.Days;

namespace Funnel.Metrics;

/// <summary>
/// What was spent on a channel on a day (拉新成本's numerator), in the report's currency; with a <see cref="Campaign"/> name, what
/// that campaign of the channel (its utm source) spent, which is part of the channel's spend too.
/// </summary>
public sealed record SpendRow(DateOnly Day, string Channel, decimal Amount, string Currency, string? Campaign = null);

/// <summary>A row or column of a spend upload that cannot be stored: its row (1 = the header) and column, and why.</summary>
public sealed record SpendProblem(int Row, string Column, string Reason);

/// <summary>The dated spend table: one amount per day and channel, kept apart from the definitions so a budget change reruns nothing.</summary>
public interface ISpendTable
{
    /// <summary>Stores the rows; a row for a day, channel and campaign already stored replaces it.</summary>
    Task PutAsync(IReadOnlyList<SpendRow> rows, CancellationToken cancellationToken);

    /// <summary>The rows of the days from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    Task<IReadOnlyList<SpendRow>> ReadAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken);
}

/// <summary>Reads a spend upload: UTF-8 CSV with the header <c>day,channel,amount,currency</c>, optionally followed by <c>campaign</c>.</summary>
public static class SpendCsv
{
    public static readonly string[] Columns = ["day", "channel", "amount", "currency"];

    /// <summary>The header of an upload that names campaigns: a row with an empty campaign is the channel's spend outside its campaigns.</summary>
    public static readonly string[] ColumnsWithCampaign = [.. Columns, "campaign"];

    /// <summary>The longest channel name kept (the longest a first-touch channel can be in events).</summary>
    public const int MaxChannelLength = 200;

    /// <summary>Every row, or every problem (row and column named); a day and channel twice in one upload is a problem.</summary>
    public static (IReadOnlyList<SpendRow> Rows, IReadOnlyList<SpendProblem> Problems) Parse(string text, string currency)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.TrimStart('\uFEFF').Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        var problems = new List<SpendProblem>();
        var header = lines.Count == 0 ? [] : lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var columns = header.SequenceEqual(Columns, StringComparer.OrdinalIgnoreCase) ? Columns
            : header.SequenceEqual(ColumnsWithCampaign, StringComparer.OrdinalIgnoreCase) ? ColumnsWithCampaign : null;
        if (columns is null)
        {
            return ([], [new SpendProblem(1, "header", $"must be {string.Join(',', Columns)} or {string.Join(',', ColumnsWithCampaign)}")]);
        }
        var rows = new List<SpendRow>();
        var seen = new Dictionary<(DateOnly, string, string), int>();
        for (var i = 1; i < lines.Count; i++)
        {
            var row = i + 1;
            var cells = lines[i].Split(',');
            if (cells.Length != columns.Length)
            {
                problems.Add(new SpendProblem(row, "row", $"has {cells.Length} columns, not {columns.Length} (a channel or campaign name cannot hold a comma)"));
                continue;
            }
            var before = problems.Count;
            if (!ReportingDay.TryParse(cells[0].Trim(), out var day))
            {
                problems.Add(new SpendProblem(row, "day", ReportingDay.NotADay(Shown(cells[0]))));
            }
            var channel = cells[1].Trim();
            if (channel.Length == 0 || channel.Length > MaxChannelLength || channel.Any(char.IsControl))
            {
                problems.Add(new SpendProblem(row, "channel", $"must be a channel name of 1 to {MaxChannelLength} characters"));
            }
            if (!decimal.TryParse(cells[2].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount > 1_000_000_000_000m)
            {
                problems.Add(new SpendProblem(row, "amount", $"'{Shown(cells[2])}' is not an amount 0 or more with a '.' for decimals"));
            }
            var rowCurrency = cells[3].Trim();
            if (!string.Equals(rowCurrency, currency, StringComparison.Ordinal))
            {
                problems.Add(new SpendProblem(row, "currency", $"'{Shown(rowCurrency)}' is not the reports' currency {currency} (there is no rate table)"));
            }
            var campaign = columns.Length > Columns.Length ? cells[4].Trim() : "";
            if (campaign.Length > MaxChannelLength || campaign.Any(char.IsControl))
            {
                problems.Add(new SpendProblem(row, "campaign", $"must be empty or a campaign name of at most {MaxChannelLength} characters"));
            }
            if (problems.Count > before)
            {
                continue;
            }
            if (seen.TryGetValue((day, channel, campaign), out var earlier))
            {
                var what = campaign.Length == 0 ? $"channel '{channel}'" : $"channel '{channel}' with campaign '{Shown(campaign)}'";
                problems.Add(new SpendProblem(row, "day", $"{ReportingDay.Format(day)} and {what} are already on row {earlier}"));
                continue;
            }
            seen[(day, channel, campaign)] = row;
            rows.Add(new SpendRow(day, channel, amount, rowCurrency, campaign.Length == 0 ? null : campaign));
        }
        return problems.Count > 0 ? ([], problems) : (rows, []);
    }

    /// <summary>A cell as an error message quotes it: at most 40 characters.</summary>
    private static string Shown(string cell) => cell.Length <= 40 ? cell : string.Concat(cell.AsSpan(0, 40), "…");

    /// <summary>Each channel's spend over the days from <paramref name="from"/> to <paramref name="to"/>: its rows with a campaign and without.</summary>
    public static IReadOnlyDictionary<string, decimal> ByChannel(IEnumerable<SpendRow> rows, DateOnly from, DateOnly to) =>
        rows.Where(r => r.Day >= from && r.Day <= to).GroupBy(r => r.Channel, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount), StringComparer.Ordinal);

    /// <summary>Each campaign's spend over the days from <paramref name="from"/> to <paramref name="to"/>, by channel and campaign name.</summary>
    public static IReadOnlyDictionary<(string Channel, string Campaign), decimal> ByCampaign(IEnumerable<SpendRow> rows, DateOnly from, DateOnly to) =>
        rows.Where(r => r.Day >= from && r.Day <= to && r.Campaign is not null).GroupBy(r => (r.Channel, r.Campaign!)).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount));

    /// <summary>The CSV text of rows, as the upload takes it (for tools and tests); with the campaign column when a row names one.</summary>
    public static string Render(IEnumerable<SpendRow> rows)
    {
        var list = rows.ToList();
        var withCampaign = list.Any(r => r.Campaign is not null);
        var text = new StringBuilder(string.Join(',', withCampaign ? ColumnsWithCampaign : Columns)).Append('\n');
        foreach (var r in list)
        {
            text.Append(CultureInfo.InvariantCulture, $"{ReportingDay.Format(r.Day)},{r.Channel},{r.Amount},{r.Currency}");
            text.Append(withCampaign ? $",{r.Campaign}\n" : "\n");
        }
        return text.ToString();
    }
}
