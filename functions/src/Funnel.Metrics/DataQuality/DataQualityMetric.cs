using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Ingest;

namespace Funnel.Metrics;

/// <summary>
/// 数据质量 five checks over the events processed on the report day (not per person): completeness of channel and
/// platform, uniqueness (duplicates dropped), timeliness (late events, receivedAt − timestamp lag), accuracy of
/// purchase revenue, consistency of event names with the definitions and the tracking plan.
/// </summary>
public static class DataQualityMetric
{
    /// <summary>The unknown event names reported, most frequent first.</summary>
    public const int UnknownEventsShown = 20;

    /// <summary>The track event names the definitions know: every funnel step, signup, purchase, experiment, intent, and the tracking plan.</summary>
    public static HashSet<string> KnownEvents(MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var known = new HashSet<string>(definitions.Funnels.SelectMany(f => f.Steps).Select(s => s.Event), StringComparer.Ordinal)
        {
            definitions.SignupEvent,
            definitions.PurchaseEvent,
            definitions.ExperimentEvent,
            definitions.SurveyInForce.Event,
        };
        known.UnionWith(HighIntentMetric.IntentEvents);
        known.UnionWith(definitions.FeaturesInForce);
        known.UnionWith(definitions.TouchesInForce.SelectMany(t => new[] { t.Sent, t.Opened }));
        known.UnionWith(definitions.TrackingPlan ?? []);
        return known;
    }

    /// <summary>Counts one event folded on the processing day.</summary>
    public static void Observe(ProductEvent e, DataQualityFigures figures, MetricDefinitions definitions, HashSet<string> knownEvents)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(knownEvents);
        figures.MissingChannel += string.IsNullOrEmpty(e.Channel) ? 1 : 0;
        figures.MissingPlatform += string.IsNullOrEmpty(e.Platform) ? 1 : 0;
        var lag = (long)Math.Floor((e.ReceivedAt - e.Timestamp) / 1000.0);
        figures.LagSeconds[lag] = figures.LagSeconds.GetValueOrDefault(lag) + 1;
        if (e.Type != EventType.Track || e.Name is null)
        {
            return;
        }
        if (e.Name == definitions.PurchaseEvent && e.Revenue is not >= 0)
        {
            figures.InvalidRevenue++;
        }
        if (!knownEvents.Contains(e.Name))
        {
            figures.UnknownEvents[e.Name] = figures.UnknownEvents.GetValueOrDefault(e.Name) + 1;
        }
    }

    public static DataQualityReport Report(DataQualityFigures figures, FoldCounts events, IReadOnlyList<RejectedAtIngest> rejectedAtIngest)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(events);
        var folded = events.Folded;
        return new DataQualityReport(
            new Completeness(ReportNumbers.Rate(figures.MissingChannel, folded), ReportNumbers.Rate(figures.MissingPlatform, folded)),
            new Uniqueness(events.DuplicatesDropped, ReportNumbers.Rate(events.DuplicatesDropped, folded + events.DuplicatesDropped),
                rejectedAtIngest.Where(r => r.Reason == IngestRefusalReasons.ReusedMessageIds).Sum(r => r.Count)),
            new Timeliness(events.Late, ReportNumbers.Rate(events.Late, folded),
                new LagPercentiles(Percentile(figures.LagSeconds, 50), Percentile(figures.LagSeconds, 95), Percentile(figures.LagSeconds, 99))),
            new Accuracy(figures.InvalidRevenue),
            new Consistency(figures.UnknownEvents
                .OrderByDescending(u => u.Value).ThenBy(u => u.Key, StringComparer.Ordinal)
                .Take(UnknownEventsShown)
                .Select(u => new UnknownEvent(u.Key, u.Value)).ToList()),
            [.. rejectedAtIngest.Where(r => r.Reason != IngestRefusalReasons.ReusedMessageIds)]);
    }

    /// <summary>Nearest rank over a count per value: the smallest value with at least p% of the values at or below it; null for none.</summary>
    private static long? Percentile(SortedDictionary<long, long> counts, int percent)
    {
        var total = counts.Values.Sum();
        long seen = 0;
        foreach (var (value, count) in counts)
        {
            seen += count;
            if (seen * 100 >= total * percent)
            {
                return value;
            }
        }
        return null;
    }
}

/// <summary>What the day's fold saw of the events' quality; <see cref="LagSeconds"/> counts events per whole second of lag.</summary>
public sealed class DataQualityFigures
{
    [JsonPropertyName("missingChannel")]
    public long MissingChannel { get; set; }

    [JsonPropertyName("missingPlatform")]
    public long MissingPlatform { get; set; }

    [JsonPropertyName("invalidRevenue")]
    public long InvalidRevenue { get; set; }

    [JsonPropertyName("lagSeconds")]
    public SortedDictionary<long, long> LagSeconds { get; init; } = new();

    [JsonPropertyName("unknownEvents")]
    public SortedDictionary<string, long> UnknownEvents { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(DataQualityFigures other)
    {
        MissingChannel += other.MissingChannel;
        MissingPlatform += other.MissingPlatform;
        InvalidRevenue += other.InvalidRevenue;
        foreach (var (lag, count) in other.LagSeconds)
        {
            LagSeconds[lag] = LagSeconds.GetValueOrDefault(lag) + count;
        }
        foreach (var (name, count) in other.UnknownEvents)
        {
            UnknownEvents[name] = UnknownEvents.GetValueOrDefault(name) + count;
        }
    }
}
