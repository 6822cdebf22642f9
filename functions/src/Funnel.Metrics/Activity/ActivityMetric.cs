using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>活跃 activity on the report day: DAU/WAU/MAU, stickiness, new persons and their share of DAU, returning and resurrected persons.</summary>
public static class ActivityMetric
{
    /// <summary>WAU: active in the 7 days ending on the report day.</summary>
    public const int WeekDays = 7;

    /// <summary>MAU: active in the 30 days ending on the report day.</summary>
    public const int MonthDays = 30;

    /// <summary>沉睡 then back: active today after more than this many days without activity.</summary>
    public const int ResurrectedAfterDays = 30;

    internal static void Count(PersonState person, CountingDay day, ActivityFigures figures)
    {
        var d = day.Day;
        var days = person.ActiveDays;
        if (person.LatestActiveDayBy(d) is not { } latest)
        {
            return;
        }
        var index = days.BinarySearch(d);
        if (index >= 0)
        {
            figures.Dau++;
            if (index == 0)
            {
                figures.New++;
            }
            else
            {
                figures.Returning++;
                if (days[index - 1] <= d - ResurrectedAfterDays - 1)
                {
                    figures.Resurrected++;
                }
            }
        }
        if (latest > d - WeekDays)
        {
            figures.Wau++;
        }
        if (latest > d - MonthDays)
        {
            figures.Mau++;
        }
    }

    public static ActivityReport Report(ActivityFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return new ActivityReport(figures.Dau, figures.Wau, figures.Mau, ReportNumbers.Rate(figures.Dau, figures.Mau),
            figures.New, ReportNumbers.Rate(figures.New, figures.Dau), figures.Returning, figures.Resurrected);
    }
}

/// <summary>Persons counted in each activity figure.</summary>
public sealed class ActivityFigures
{
    [JsonPropertyName("dau")]
    public long Dau { get; set; }

    [JsonPropertyName("wau")]
    public long Wau { get; set; }

    [JsonPropertyName("mau")]
    public long Mau { get; set; }

    [JsonPropertyName("new")]
    public long New { get; set; }

    [JsonPropertyName("returning")]
    public long Returning { get; set; }

    [JsonPropertyName("resurrected")]
    public long Resurrected { get; set; }

    internal void Merge(ActivityFigures other)
    {
        Dau += other.Dau;
        Wau += other.Wau;
        Mau += other.Mau;
        New += other.New;
        Returning += other.Returning;
        Resurrected += other.Resurrected;
    }
}
