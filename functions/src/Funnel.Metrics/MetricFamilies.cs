using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

/// <summary>
/// The one registration of the metric families: what each observes of an event, forgets at the end of a
/// processing day, counts per person for a report day, and merges across shards. A family lives in its own
/// folder (its windows, per-person state, figures and report block); adding one means a line in each list here.
/// </summary>
public static class MetricFamilies
{
    /// <summary>Folds one event that happened on <paramref name="eventDay"/> into the person.</summary>
    public static void Observe(PersonState person, ProductEvent e, int eventDay, MetricDefinitions definitions, StepSlots slots)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(definitions);
        person.ObserveFacts(e, eventDay, definitions);
        RetentionMetric.Observe(person, e);
        ExperimentMetric.Observe(person, e, definitions);
        FunnelMetric.Observe(person, e, slots);
        HighIntentMetric.Observe(person, e);
        SurveyMetric.Observe(person, e, definitions);
        FeatureMetric.Observe(person, e, eventDay, definitions);
        SessionMetric.Observe(person, e);
        TouchMetric.Observe(person, e, eventDay, definitions);
        CampaignMetric.Observe(person, e);
    }

    /// <summary>
    /// Takes <paramref name="other"/>'s state into <paramref name="person"/>, as when a device's history joins its
    /// user: every family keeps mins and sets, so the result is the state of folding both persons' events into one.
    /// </summary>
    public static void Merge(PersonState person, PersonState other, StepSlots slots)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(slots);
        person.MergeFacts(other);
        RetentionMetric.Merge(person, other);
        ExperimentMetric.Merge(person, other);
        FunnelMetric.Merge(person, other, slots);
        HighIntentMetric.Merge(person, other);
        SurveyMetric.Merge(person, other);
        FeatureMetric.Merge(person, other);
        SessionMetric.Merge(person, other);
        TouchMetric.Merge(person, other);
        CampaignMetric.Merge(person, other);
    }

    /// <summary>Drops from the person what no report from processing day <paramref name="day"/> on can need again.</summary>
    public static void EndOfDay(PersonState person, int day, MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(definitions);
        RetentionMetric.Forget(person, day);
        HighIntentMetric.Forget(person, day);
        SurveyMetric.Forget(person, day);
        FeatureMetric.Forget(person, day);
        SessionMetric.Forget(person, day, definitions);
        TouchMetric.Forget(person, day);
        CampaignMetric.Forget(person, day);
    }

    /// <summary>Adds one person's contribution to a shard's figures for the report day.</summary>
    public static void Count(string personKey, PersonState person, CountingDay day, ReportFigures figures)
    {
        ArgumentNullException.ThrowIfNull(personKey);
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(day);
        ArgumentNullException.ThrowIfNull(figures);
        FunnelMetric.Count(person, day, figures.Funnels);
        RetentionMetric.Count(person, day, figures.Retention);
        ActivityMetric.Count(person, day, figures.Activity);
        MoneyMetric.Count(person, day, figures.Money);
        PurchaseMetric.Count(person, day, figures.Purchases);
        SurveyMetric.Count(person, day, figures.Survey);
        FeatureMetric.Count(person, day, figures.Features);
        SessionMetric.Count(person, day, figures.Sessions);
        TouchMetric.Count(person, day, figures.Touches);
        CampaignMetric.Count(person, day, figures.Campaigns);
        var layers = LayerMetric.Count(person, day, figures.Layers);
        RfmMetric.Count(person, day, figures.Rfm);
        var stage = LifecycleMetric.Count(person, day, figures.Lifecycle);
        WinBackMetric.Count(person, day, figures.WinBack);
        var intentAt = HighIntentMetric.Count(person, day, figures.HighIntent);
        AudienceMetric.Count(personKey, person, day, stage, intentAt, layers, figures.Audiences);
    }
}

/// <summary>
/// The partial aggregate of one shard (or of several, merged), one typed part per family. Merging adds
/// counts and concatenates per-person values, so it is associative and commutative and N shards give the
/// same report as one.
/// </summary>
public sealed class ReportFigures
{
    [JsonPropertyName("events")]
    public FoldCounts Events { get; set; } = FoldCounts.Zero;

    /// <summary>One entry per funnel, in definition order.</summary>
    [JsonPropertyName("funnels")]
    public List<FunnelFigures> Funnels { get; init; } = [];

    [JsonPropertyName("retention")]
    public RetentionFigures Retention { get; init; } = new();

    [JsonPropertyName("activity")]
    public ActivityFigures Activity { get; init; } = new();

    [JsonPropertyName("money")]
    public MoneyFigures Money { get; init; } = new();

    [JsonPropertyName("purchases")]
    public PurchaseFigures Purchases { get; init; } = new();

    [JsonPropertyName("survey")]
    public SurveyFigures Survey { get; init; } = new();

    [JsonPropertyName("features")]
    public FeatureFigures Features { get; init; } = new();

    [JsonPropertyName("sessions")]
    public SessionFigures Sessions { get; init; } = new();

    [JsonPropertyName("touches")]
    public TouchFigures Touches { get; init; } = new();

    [JsonPropertyName("campaigns")]
    public CampaignFigures Campaigns { get; init; } = new();

    [JsonPropertyName("layers")]
    public LayerFigures Layers { get; init; } = new();

    [JsonPropertyName("rfm")]
    public RfmFigures Rfm { get; init; } = new();

    [JsonPropertyName("lifecycle")]
    public LifecycleFigures Lifecycle { get; init; } = new();

    [JsonPropertyName("winBack")]
    public WinBackFigures WinBack { get; init; } = new();

    [JsonPropertyName("highIntent")]
    public HighIntentFigures HighIntent { get; init; } = new();

    [JsonPropertyName("audiences")]
    public AudienceFigures Audiences { get; init; } = new();

    /// <summary>Filled by the fold from the day's events rather than per person.</summary>
    [JsonPropertyName("dataQuality")]
    public DataQualityFigures DataQuality { get; set; } = new();

    public static ReportFigures Merge(IEnumerable<ReportFigures> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var merged = new ReportFigures();
        foreach (var part in parts)
        {
            merged.Events += part.Events;
            FunnelFigures.MergeInto(merged.Funnels, part.Funnels);
            merged.Retention.Merge(part.Retention);
            merged.Activity.Merge(part.Activity);
            merged.Money.Merge(part.Money);
            merged.Purchases.Merge(part.Purchases);
            merged.Survey.Merge(part.Survey);
            merged.Features.Merge(part.Features);
            merged.Sessions.Merge(part.Sessions);
            merged.Touches.Merge(part.Touches);
            merged.Campaigns.Merge(part.Campaigns);
            merged.Layers.Merge(part.Layers);
            merged.Rfm.Merge(part.Rfm);
            merged.Lifecycle.Merge(part.Lifecycle);
            merged.WinBack.Merge(part.WinBack);
            merged.HighIntent.Merge(part.HighIntent);
            merged.Audiences.Merge(part.Audiences);
            merged.DataQuality.Merge(part.DataQuality);
        }
        return merged;
    }
}

/// <summary>The report day a person is counted for, and how instants fall on days.</summary>
public sealed class CountingDay(int day, MetricDefinitions definitions, ZoneDays zone, StepSlots slots)
{
    /// <summary>The report day's <see cref="DateOnly.DayNumber"/>.</summary>
    public int Day => day;

    public MetricDefinitions Definitions => definitions;

    public StepSlots Slots => slots;

    public int DayOf(long unixMs) => zone.DayOf(unixMs);

    /// <summary>Funnel cohorts counted: the report's window unless an analysis asks for more (e.g. mature long funnels).</summary>
    public int FunnelCohortDays { get; init; } = FunnelMetric.CohortDays;

    /// <summary>Retention cohorts counted, likewise.</summary>
    public int RetentionCohortDays { get; init; } = RetentionMetric.CohortDays;
}

/// <summary>Adding to a count per key in the figures' dictionaries.</summary>
internal static class FigureCounts
{
    public static TValue GetOrAdd<TKey, TValue>(this SortedDictionary<TKey, TValue> map, TKey key, Func<TValue> create) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var value))
        {
            map[key] = value = create();
        }
        return value;
    }

    /// <summary>As above with the factory's argument passed in, so a static lambda allocates nothing per call on the counting path.</summary>
    public static TValue GetOrAdd<TKey, TValue, TArg>(this SortedDictionary<TKey, TValue> map, TKey key, Func<TArg, TValue> create, TArg arg) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var value))
        {
            map[key] = value = create(arg);
        }
        return value;
    }

    /// <summary>Adds <paramref name="from"/> into <paramref name="into"/> element-wise, growing it when shorter.</summary>
    public static long[] AddInto(long[] into, long[] from)
    {
        if (into.Length < from.Length)
        {
            Array.Resize(ref into, from.Length);
        }
        for (var i = 0; i < from.Length; i++)
        {
            into[i] += from[i];
        }
        return into;
    }

    public static void MergeCounts(SortedDictionary<string, long[]> into, SortedDictionary<string, long[]> from)
    {
        foreach (var (key, counts) in from)
        {
            into[key] = AddInto(into.TryGetValue(key, out var existing) ? existing : [], counts);
        }
    }
}
