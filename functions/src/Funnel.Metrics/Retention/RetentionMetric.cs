using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    /// <summary>Distinct event times of the last weeks, kept while the person can still be in a rolling-retention cohort.</summary>
    public List<long> RecentInstants { get; } = [];
}

/// <summary>
/// 留存 retention of signup cohorts: by calendar day in the report's zone (D0..D30), and rolling Dn (any event
/// in the 24 h starting n × 24 h after the signup instant).
/// </summary>
public static class RetentionMetric
{
    /// <summary>Retention cohorts of the newest 31 days, D0..D30.</summary>
    public const int CohortDays = 31;

    /// <summary>The rolling days reported.</summary>
    public static readonly int[] RollingDays = [1, 7, 30];

    /// <summary>不同渠道用户的留存差异: each cohort's D1, D7 and D30 by first-touch channel and platform.</summary>
    public static readonly int[] BreakdownDays = [1, 7, 30];

    /// <summary>How many days of event times a person keeps for rolling retention.</summary>
    public const int RollingInstantDays = 33;

    private const long DayMs = 86_400_000;
    private const long HourMs = 3_600_000;

    /// <summary>How far the kept instants reach before the UTC day bound: the earliest zone offset is UTC-14.</summary>
    private const long ZoneSlackMs = 14 * HourMs;

    internal static void Observe(PersonState person, ProductEvent e) => PersonState.InsertSorted(person.RecentInstants, e.Timestamp);

    /// <summary>Both persons' kept instants; what either forgot, the merged person would have forgotten too (its signup is the earlier one).</summary>
    internal static void Merge(PersonState person, PersonState other) => PersonState.UnionSorted(person.RecentInstants, other.RecentInstants);

    /// <summary>
    /// Rolling retention of the newest 31 signup cohorts reads events up to 31 days after signup; older instants,
    /// and those of persons who signed up before then, are not needed again.
    /// </summary>
    internal static void Forget(PersonState person, int day)
    {
        var cutoff = ZoneDays.UtcStartOf(day - RollingInstantDays) - ZoneSlackMs;
        if (person.SignupAt != long.MaxValue && person.SignupAt < cutoff)
        {
            person.RecentInstants.Clear();
        }
        else
        {
            PersonState.ForgetBefore(person.RecentInstants, cutoff);
        }
    }

    internal static void Count(PersonState person, CountingDay day, RetentionFigures figures)
    {
        if (person.SignupAt == long.MaxValue)
        {
            return;
        }
        var d = day.Day;
        var cohortDay = day.DayOf(person.SignupAt);
        if (cohortDay > d || cohortDay <= d - day.RetentionCohortDays)
        {
            return;
        }
        var cohort = figures.Cohorts.GetOrAdd(cohortDay, () => new RetentionCohortFigures());
        cohort.Size++;
        foreach (var by in (ReadOnlySpan<long[]>)[
            cohort.ByChannel.GetOrAdd(person.ChannelOrDirect, static () => new long[1 + BreakdownDays.Length]),
            cohort.ByPlatform.GetOrAdd(person.PlatformOrUnknown, static () => new long[1 + BreakdownDays.Length])])
        {
            by[0]++;
            for (var i = 0; i < BreakdownDays.Length; i++)
            {
                by[1 + i] += person.ActiveDays.BinarySearch(cohortDay + BreakdownDays[i]) >= 0 ? 1 : 0;
            }
        }
        var active = cohort.ActiveOnDay;
        for (var n = 0; n <= d - cohortDay; n++)
        {
            if (person.ActiveDays.BinarySearch(cohortDay + n) >= 0)
            {
                if (active.Length <= n)
                {
                    Array.Resize(ref active, d - cohortDay + 1);
                    cohort.ActiveOnDay = active;
                }
                active[n]++;
            }
        }
        for (var i = 0; i < RollingDays.Length; i++)
        {
            var from = person.SignupAt + RollingDays[i] * DayMs;
            var index = person.RecentInstants.BinarySearch(from);
            index = index < 0 ? ~index : index;
            if (index < person.RecentInstants.Count && person.RecentInstants[index] < from + DayMs)
            {
                cohort.Rolling[i]++;
            }
        }
    }

    public static RetentionReport Report(RetentionFigures figures, int d, ZoneDays zone)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(zone);
        var cohorts = new List<RetentionCohort>();
        foreach (var (cohort, counts) in figures.Cohorts)
        {
            if (cohort <= d - CohortDays || cohort > d || counts.Size == 0)
            {
                continue;
            }
            var size = counts.Size;
            var days = Enumerable.Range(0, CohortDays)
                .Select(n => cohort + n <= d ? ReportNumbers.Rate(n < counts.ActiveOnDay.Length ? counts.ActiveOnDay[n] : 0, size) : (double?)null)
                .ToList();
            // Observable once the last possible member (signed up at the end of the cohort day) has had the whole window.
            var cohortEnd = zone.StartOfDay(cohort + 1);
            var reportEnd = zone.StartOfDay(d + 1);
            double? Rolling(int i) => cohortEnd + (RollingDays[i] + 1) * DayMs <= reportEnd ? ReportNumbers.Rate(counts.Rolling[i], size) : null;
            List<RetentionBreakdownRow> Rows(SortedDictionary<string, long[]> by) => [.. by.Select(x =>
            {
                double? On(int i) => cohort + BreakdownDays[i] <= d ? ReportNumbers.Rate(x.Value[1 + i], x.Value[0]) : null;
                return new RetentionBreakdownRow(x.Key, x.Value[0], On(0), On(1), On(2));
            })];
            cohorts.Add(new RetentionCohort(ReportNumbers.Day(cohort), size, days, days[1], days[7], days[30], new RollingRetention(Rolling(0), Rolling(1), Rolling(2)),
                new ByFirstTouch<RetentionBreakdownRow>(Rows(counts.ByChannel), Rows(counts.ByPlatform))));
        }
        return new RetentionReport(cohorts);
    }
}

/// <summary>Signup cohorts by day.</summary>
public sealed class RetentionFigures
{
    [JsonPropertyName("cohorts")]
    public SortedDictionary<int, RetentionCohortFigures> Cohorts { get; init; } = new();

    internal void Merge(RetentionFigures other)
    {
        foreach (var (day, cohort) in other.Cohorts)
        {
            var into = Cohorts.GetOrAdd(day, () => new RetentionCohortFigures());
            into.Size += cohort.Size;
            into.ActiveOnDay = FigureCounts.AddInto(into.ActiveOnDay, cohort.ActiveOnDay);
            into.Rolling = FigureCounts.AddInto(into.Rolling, cohort.Rolling);
            FigureCounts.MergeCounts(into.ByChannel, cohort.ByChannel);
            FigureCounts.MergeCounts(into.ByPlatform, cohort.ByPlatform);
        }
    }
}

/// <summary>One signup cohort: its size, members active on calendar day n after signup, members retained on each rolling day.</summary>
public sealed class RetentionCohortFigures
{
    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("activeOnDay")]
    public long[] ActiveOnDay { get; set; } = [];

    /// <summary>Aligned with <see cref="RetentionMetric.RollingDays"/>.</summary>
    [JsonPropertyName("rolling")]
    public long[] Rolling { get; set; } = new long[RetentionMetric.RollingDays.Length];

    /// <summary>Per first-touch channel: members, then those active on each day of <see cref="RetentionMetric.BreakdownDays"/>.</summary>
    [JsonPropertyName("byChannel")]
    public SortedDictionary<string, long[]> ByChannel { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Likewise per first-touch platform.</summary>
    [JsonPropertyName("byPlatform")]
    public SortedDictionary<string, long[]> ByPlatform { get; init; } = new(StringComparer.Ordinal);
}
