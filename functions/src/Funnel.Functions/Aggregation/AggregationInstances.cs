using System.Globalization;

namespace Funnel.Functions.Aggregation;

/// <summary>Orchestration instance ids: one well-known id per day, so starting a day twice finds the first run.</summary>
public static class AggregationInstances
{
    public static string ForDay(DateOnly day) => "daily-" + Day(day);

    public static string ForDays(IReadOnlyList<DateOnly> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        return days.Count == 1 ? ForDay(days[0]) : $"days-{Day(days[0])}-{Day(days[^1])}";
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
