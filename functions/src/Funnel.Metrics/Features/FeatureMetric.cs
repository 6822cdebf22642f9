using System.Text.Json.Serialization;
using Funnel.Events;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    private static readonly Dictionary<string, List<int>> NoFeatureDays = [];
    private Dictionary<string, List<int>>? _featureDays;

    /// <summary>Per feature event used in the last month, the sorted days (reporting zone) it was used on; most persons use none.</summary>
    public IReadOnlyDictionary<string, List<int>> FeatureDays => _featureDays ?? NoFeatureDays;

    internal List<int> FeatureDaysFor(string feature)
    {
        _featureDays ??= new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (!_featureDays.TryGetValue(feature, out var days))
        {
            _featureDays[feature] = days = [];
        }
        return days;
    }

    /// <summary>Drops the days kept for one feature (the state of a person who never used it).</summary>
    public void ForgetFeature(string feature)
    {
        if (_featureDays is not null && _featureDays.Remove(feature) && _featureDays.Count == 0)
        {
            _featureDays = null;
        }
    }
}

/// <summary>
/// 功能使用率: per feature event of the definitions (<see cref="MetricDefinitions.FeaturesInForce"/>), the persons who used it on
/// the report day and in the 30 days ending on it, as shares of DAU and of MAU.
/// </summary>
public static class FeatureMetric
{
    /// <summary>Use counts over the 30 days ending on the report day, like MAU.</summary>
    public const int MonthDays = 30;

    internal static void Observe(PersonState person, ProductEvent e, int eventDay, MetricDefinitions definitions)
    {
        if (e.Type == EventType.Track && e.Name is { } name && definitions.FeaturesInForce.Contains(name, StringComparer.Ordinal))
        {
            PersonState.InsertSorted(person.FeatureDaysFor(name), eventDay);
        }
    }

    internal static void Merge(PersonState person, PersonState other)
    {
        foreach (var (feature, days) in other.FeatureDays)
        {
            var into = person.FeatureDaysFor(feature);
            foreach (var day in days)
            {
                PersonState.InsertSorted(into, day);
            }
        }
    }

    /// <summary>Days before the month of processing day <paramref name="day"/>'s report are not read again.</summary>
    internal static void Forget(PersonState person, int day)
    {
        foreach (var (feature, days) in person.FeatureDays.ToList())
        {
            var index = days.BinarySearch(day - MonthDays + 1);
            days.RemoveRange(0, index < 0 ? ~index : index);
            if (days.Count == 0)
            {
                person.ForgetFeature(feature);
            }
        }
    }

    internal static void Count(PersonState person, CountingDay day, FeatureFigures figures)
    {
        var d = day.Day;
        foreach (var (feature, days) in person.FeatureDays)
        {
            var usedToday = days.BinarySearch(d) >= 0;
            var usedInMonth = days.Exists(n => n <= d && n > d - MonthDays);
            if (usedInMonth)
            {
                var counts = figures.Persons.GetOrAdd(feature, static () => new long[2]);
                counts[0] += usedToday ? 1 : 0;
                counts[1]++;
            }
        }
    }

    /// <summary>One row per configured feature, in the definitions' order, its persons over <paramref name="activity"/>'s DAU and MAU.</summary>
    public static List<FeatureUsage> Report(FeatureFigures figures, ActivityFigures activity, MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(definitions);
        return [.. definitions.FeaturesInForce.Select(feature =>
        {
            var counts = figures.Persons.GetValueOrDefault(feature) ?? new long[2];
            return new FeatureUsage(feature, counts[0], ReportNumbers.Rate(counts[0], activity.Dau), counts[1], ReportNumbers.Rate(counts[1], activity.Mau));
        })];
    }
}

/// <summary>Per feature: persons who used it on the report day, and in the 30 days ending on it.</summary>
public sealed class FeatureFigures
{
    [JsonPropertyName("persons")]
    public SortedDictionary<string, long[]> Persons { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(FeatureFigures other) => FigureCounts.MergeCounts(Persons, other.Persons);
}

/// <summary>功能使用率 of one feature event: its users today over DAU, and over the 30 days over MAU.</summary>
public sealed record FeatureUsage(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("usedToday")] long UsedToday,
    [property: JsonPropertyName("dauShare")] double DauShare,
    [property: JsonPropertyName("used30")] long Used30,
    [property: JsonPropertyName("mauShare")] double MauShare);
