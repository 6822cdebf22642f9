using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 沉睡用户唤醒: a person returns on day R when active on R after more than 30 days without activity; the cohort of
/// R counts its returners and those active again on any of R+1..R+7. Reads the person's active days only.
/// </summary>
public static class WinBackMetric
{
    /// <summary>Return days reported: the 30 days ending on the report day.</summary>
    public const int CohortDays = 30;

    /// <summary>Returned: the previous active day is at least this many days before.</summary>
    public const int QuietDays = 31;

    /// <summary>Active again within this many days after the return day.</summary>
    public const int AgainWithinDays = 7;

    internal static void Count(PersonState person, CountingDay day, WinBackFigures figures)
    {
        var d = day.Day;
        var days = person.ActiveDays;
        var start = days.BinarySearch(d - CohortDays + 1);
        for (var i = Math.Max(1, start < 0 ? ~start : start); i < days.Count && days[i] <= d; i++)
        {
            var returnDay = days[i];
            if (days[i - 1] > returnDay - QuietDays)
            {
                continue;
            }
            var again = i + 1 < days.Count && days[i + 1] <= Math.Min(returnDay + AgainWithinDays, d) ? 1 : 0;
            foreach (var cohort in (ReadOnlySpan<long[]>)[
                figures.Cohorts.GetOrAdd(returnDay, static () => new long[2]),
                figures.ByChannel.GetOrAdd(person.ChannelOrDirect, static () => []).GetOrAdd(returnDay, static () => new long[2]),
                figures.ByPlatform.GetOrAdd(person.PlatformOrUnknown, static () => []).GetOrAdd(returnDay, static () => new long[2])])
            {
                cohort[0]++;
                cohort[1] += again;
            }
        }
    }

    public static WinBackReport Report(WinBackFigures figures, int d)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var cohorts = figures.Cohorts
            .Where(c => c.Key > d - CohortDays && c.Key <= d && c.Value[0] > 0)
            .Select(c => new WinBackCohort(ReportNumbers.Day(c.Key), c.Value[0], c.Value[1], ReportNumbers.Rate(c.Value[1], c.Value[0]), c.Key + AgainWithinDays <= d))
            .ToList();
        var mature = cohorts.Where(c => c.Mature).ToList();
        long returned = mature.Sum(c => c.Returned), again = mature.Sum(c => c.ActiveWithin7);
        return new WinBackReport(cohorts, new WinBackRate(returned, again, returned == 0 ? null : ReportNumbers.Rate(again, returned)),
            new ByFirstTouch<WinBackBreakdownRow>(Rows(figures.ByChannel, d), Rows(figures.ByPlatform, d)));
    }

    /// <summary>A row per value with a return in the 30 days, its mature returns pooled as <c>mature</c> pools them.</summary>
    private static List<WinBackBreakdownRow> Rows(SortedDictionary<string, SortedDictionary<int, long[]>> byValue, int d) =>
        [.. byValue
            .Select(x => (x.Key, Days: x.Value.Where(c => c.Key > d - CohortDays && c.Key <= d && c.Value[0] > 0).ToList()))
            .Where(x => x.Days.Count > 0)
            .Select(x =>
            {
                var mature = x.Days.Where(c => c.Key + AgainWithinDays <= d).ToList();
                long returned = mature.Sum(c => c.Value[0]), again = mature.Sum(c => c.Value[1]);
                return new WinBackBreakdownRow(x.Key, returned, again, returned == 0 ? null : ReportNumbers.Rate(again, returned));
            })];
}

/// <summary>Per return day: persons returned, and of them active again within 7 days.</summary>
public sealed class WinBackFigures
{
    [JsonPropertyName("cohorts")]
    public SortedDictionary<int, long[]> Cohorts { get; init; } = new();

    /// <summary>The same per return day, by first-touch channel.</summary>
    [JsonPropertyName("byChannel")]
    public SortedDictionary<string, SortedDictionary<int, long[]>> ByChannel { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The same per return day, by first-touch platform.</summary>
    [JsonPropertyName("byPlatform")]
    public SortedDictionary<string, SortedDictionary<int, long[]>> ByPlatform { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(WinBackFigures other)
    {
        MergeDays(Cohorts, other.Cohorts);
        foreach (var (into, from) in new[] { (ByChannel, other.ByChannel), (ByPlatform, other.ByPlatform) })
        {
            foreach (var (value, days) in from)
            {
                MergeDays(into.GetOrAdd(value, static () => []), days);
            }
        }
    }

    private static void MergeDays(SortedDictionary<int, long[]> into, SortedDictionary<int, long[]> from)
    {
        foreach (var (day, counts) in from)
        {
            into[day] = FigureCounts.AddInto(into.TryGetValue(day, out var existing) ? existing : [], counts);
        }
    }
}
