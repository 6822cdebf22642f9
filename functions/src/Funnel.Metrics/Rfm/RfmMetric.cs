using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// RFM of every payer (any purchase up to the report day): recency in days since the last purchase, frequency
/// (purchases) and monetary (revenue), each scored 1-5 among payers as 1 + ⌊5 × (payers strictly worse) / payers⌋,
/// so ties share a score; recency is better when smaller.
/// </summary>
public static class RfmMetric
{
    private const int Scores = 5;

    internal static void Count(PersonState person, CountingDay day, RfmFigures figures)
    {
        var d = day.Day;
        if (person.LatestActiveDayBy(d) is null)
        {
            return;
        }
        long revenue = 0, purchases = 0;
        var lastPurchaseDay = int.MinValue;
        foreach (var (at, amount) in person.Purchases)
        {
            var purchaseDay = day.DayOf(at);
            if (purchaseDay > d)
            {
                continue;
            }
            purchases++;
            revenue += amount;
            lastPurchaseDay = Math.Max(lastPurchaseDay, purchaseDay);
        }
        if (purchases > 0)
        {
            figures.Payers.Add(new RfmPayer(d - lastPurchaseDay, purchases, revenue / (double)ReportNumbers.MoneyUnit));
        }
    }

    public static RfmReport Report(RfmFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var payers = figures.AllPayers();
        var recency = payers.Select(p => (double)p.RecencyDays).Order().ToArray();
        var frequency = payers.Select(p => (double)p.Purchases).Order().ToArray();
        var monetary = payers.Select(p => p.Revenue).Order().ToArray();
        int Score(int worse) => Math.Min(Scores, 1 + Scores * worse / payers.Count);
        var scored = payers.Select(p => (
            R: Score(recency.Length - UpperBound(recency, p.RecencyDays)),
            F: Score(LowerBound(frequency, p.Purchases)),
            M: Score(LowerBound(monetary, p.Revenue)))).ToList();
        var counts = scored.GroupBy(s => s).ToDictionary(g => g.Key, g => (long)g.Count());
        var cells = new List<RfmCell>();
        for (var r = Scores; r >= 1; r--)
        {
            for (var f = Scores; f >= 1; f--)
            {
                for (var m = Scores; m >= 1; m--)
                {
                    cells.Add(new RfmCell(r, f, m, counts.GetValueOrDefault((r, f, m))));
                }
            }
        }
        static string Group((int R, int F, int M) s) => s switch
        {
            { R: >= 4, F: >= 4, M: >= 4 } => "champions",
            { F: >= 4 } => "loyal",
            { R: >= 4, F: 1 } => "new customers",
            { R: <= 2, F: >= 3 } => "at risk",
            { R: <= 2, F: <= 2 } => "hibernating",
            _ => "others",
        };
        string[] order = ["champions", "loyal", "new customers", "at risk", "hibernating", "others"];
        var groups = order.Select(name => new RfmGroup(name, scored.LongCount(s => Group(s) == name))).ToList();
        return new RfmReport(cells, groups);
    }

    /// <summary>How many sorted values are below <paramref name="v"/>.</summary>
    private static int LowerBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>How many sorted values are at or below <paramref name="v"/>.</summary>
    private static int UpperBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }
}

public sealed class RfmFigures
{
    [JsonPropertyName("payers")]
    public List<RfmPayer> Payers { get; init; } = [];

    /// <summary>Payers with the same inputs, once each with how many they are: the cold segment's payers, so a partial does not grow with history.</summary>
    [JsonPropertyName("alike")]
    public List<RfmPayers> Alike { get; init; } = [];

    internal void Merge(RfmFigures other)
    {
        Payers.AddRange(other.Payers);
        Alike.AddRange(other.Alike);
    }

    /// <summary>Every payer, the alike ones repeated.</summary>
    internal List<RfmPayer> AllPayers() => Alike.Count == 0 ? Payers : [.. Payers, .. Alike.SelectMany(a => Enumerable.Repeat(a.Payer, (int)a.Persons))];
}

/// <summary>Payers with identical RFM inputs.</summary>
public sealed record RfmPayers(
    [property: JsonPropertyName("payer")] RfmPayer Payer,
    [property: JsonPropertyName("persons")] long Persons);

/// <summary>One payer's RFM inputs as of the report day.</summary>
public sealed record RfmPayer(
    [property: JsonPropertyName("r")] int RecencyDays,
    [property: JsonPropertyName("f")] long Purchases,
    [property: JsonPropertyName("m")] double Revenue);
