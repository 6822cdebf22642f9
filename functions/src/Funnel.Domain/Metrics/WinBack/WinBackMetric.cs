using System.Text.Json.Serialization;

namespace Funnel.Domain.Metrics;

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
            var cohort = figures.Cohorts.GetOrAdd(returnDay, () => new long[2]);
            cohort[0]++;
            if (i + 1 < days.Count && days[i + 1] <= Math.Min(returnDay + AgainWithinDays, d))
            {
                cohort[1]++;
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
        return new WinBackReport(cohorts, new WinBackRate(returned, again, returned == 0 ? null : ReportNumbers.Rate(again, returned)));
    }
}

/// <summary>Per return day: persons returned, and of them active again within 7 days.</summary>
public sealed class WinBackFigures
{
    [JsonPropertyName("cohorts")]
    public SortedDictionary<int, long[]> Cohorts { get; init; } = new();

    internal void Merge(WinBackFigures other)
    {
        foreach (var (day, counts) in other.Cohorts)
        {
            Cohorts[day] = FigureCounts.AddInto(Cohorts.TryGetValue(day, out var into) ? into : [], counts);
        }
    }
}
