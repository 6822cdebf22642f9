using Funnel.Events.Days;

namespace Funnel.Functions.Aggregation;

/// <summary>Orchestration instance ids: one well-known id per day, so starting a day twice finds the first run.</summary>
public static class AggregationInstances
{
    public static string ForDay(DateOnly day) => "daily-" + ReportingDay.Format(day);

    /// <summary>An <c>AggregateDays</c> run: always <c>days-…</c>, so it never shares an id with a single day's <c>DailyAggregation</c>.</summary>
    public static string ForDays(IReadOnlyList<DateOnly> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        return $"days-{ReportingDay.Format(days[0])}-{ReportingDay.Format(days[^1])}";
    }

    /// <summary>Prefixes of every aggregation instance, for finding runs still going.</summary>
    public static readonly string[] Prefixes = ["daily-", "days-"];
}
