using System.Globalization;
using System.Text.Json.Serialization;

namespace Funnel.Domain.Aggregation;

/// <summary>
/// The partial aggregate of one shard (or of several, merged): person counts and conversion times
/// by key. Merging adds counts and concatenates times, so it is associative and commutative and N
/// shards give the same figures as one.
/// </summary>
public sealed class ReportFigures
{
    [JsonPropertyName("counts")]
    public SortedDictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Per-person values whose distribution a metric needs: seconds to convert, 90-day revenue, RFM triples.</summary>
    [JsonPropertyName("values")]
    public SortedDictionary<string, List<double>> Values { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("events")]
    public FoldCounts Events { get; set; } = FoldCounts.Zero;

    public void Add(string key, long count = 1)
    {
        Counts[key] = Counts.GetValueOrDefault(key) + count;
    }

    public void AddValue(string key, double value)
    {
        if (!Values.TryGetValue(key, out var list))
        {
            Values[key] = list = [];
        }
        list.Add(value);
    }

    public long Count(string key) => Counts.GetValueOrDefault(key);

    public static ReportFigures Merge(IEnumerable<ReportFigures> parts)
    {
        var merged = new ReportFigures();
        foreach (var part in parts)
        {
            foreach (var (key, count) in part.Counts)
            {
                merged.Add(key, count);
            }
            foreach (var (key, values) in part.Values)
            {
                foreach (var v in values)
                {
                    merged.AddValue(key, v);
                }
            }
            merged.Events += part.Events;
        }
        return merged;
    }
}

/// <summary>The keys of <see cref="ReportFigures"/>, in one place so producers and the assembler agree.</summary>
public static class FigureKeys
{
    public static string FunnelStep(int funnel, int cohortDay, int step) => Invariant($"funnel|{funnel}|{cohortDay}|{step}");

    public static string Breakdown(int funnel, string dimension, string? experiment, string value, int step) =>
        Invariant($"breakdown|{funnel}|{dimension}|{experiment}|{value}|{step}");

    public static string BreakdownPrefix(int funnel, string dimension) => Invariant($"breakdown|{funnel}|{dimension}|");

    public static string RetentionSize(int cohortDay) => Invariant($"retention|{cohortDay}|size");

    public static string RetentionActive(int cohortDay, int n) => Invariant($"retention|{cohortDay}|{n}");

    public static string RollingActive(int cohortDay, int n) => Invariant($"rolling|{cohortDay}|{n}");

    public static string Activity(string name) => $"activity|{name}";

    public static string Money(string name) => $"money|{name}";

    public static string Channel(string channel, string name) => $"channel|{channel}|{name}";

    public static string Layer(string name) => $"layer|{name}";

    /// <summary>Values: recency days, purchase count and revenue of each payer, three numbers per payer.</summary>
    public const string RfmTriples = "rfm|triples";

    /// <summary>Values: revenue of each payer over the last 90 days.</summary>
    public const string Revenue90 = "money|revenue90";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
