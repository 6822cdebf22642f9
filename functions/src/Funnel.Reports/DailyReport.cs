using System.Text.Json.Serialization;

using Funnel.Metrics;

namespace Funnel.Reports;

/// <summary>The daily report, serialised as the report contract (docs/report.md) names its fields.</summary>
public sealed record DailyReport(
    [property: JsonPropertyName("schemaVersion")] int SchemaVersion,
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("timeZone")] string TimeZone,
    [property: JsonPropertyName("generatedAt")] string GeneratedAt,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("manifest")] ReportManifest Manifest,
    [property: JsonPropertyName("events")] EventCounts Events,
    [property: JsonPropertyName("funnels")] IReadOnlyList<FunnelReport> Funnels,
    [property: JsonPropertyName("retention")] RetentionReport Retention,
    [property: JsonPropertyName("activity")] ActivityReport Activity,
    [property: JsonPropertyName("layers")] LayersReport Layers,
    [property: JsonPropertyName("rfm")] RfmReport Rfm,
    [property: JsonPropertyName("money")] MoneyReport Money,
    [property: JsonPropertyName("experiments")] IReadOnlyList<ExperimentReport> Experiments,
    [property: JsonPropertyName("lifecycle")] LifecycleReport Lifecycle,
    [property: JsonPropertyName("winBack")] WinBackReport WinBack,
    [property: JsonPropertyName("highIntent")] HighIntentReport HighIntent,
    [property: JsonPropertyName("dataQuality")] DataQualityReport DataQuality,
    [property: JsonPropertyName("purchases")] PurchasesReport Purchases,
    [property: JsonPropertyName("audiences")] IReadOnlyList<AudienceReport> Audiences,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureUsage> Features,
    [property: JsonPropertyName("sessions")] SessionsReport Sessions,
    [property: JsonPropertyName("touches")] IReadOnlyList<TouchReport> Touches,
    [property: JsonPropertyName("campaigns")] CampaignsReport Campaigns)
{
    /// <summary>今日目标: each target of the definitions judged against this report; absent when the definitions set none.</summary>
    [JsonPropertyName("targets")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TargetResult>? Targets { get; init; }

    /// <summary>环比: headline figures against the stored figures of earlier days; only on reports published by the function app, which has them.</summary>
    [JsonPropertyName("comparisons")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReportComparisons? Comparisons { get; init; }
}

public sealed record ReportManifest(
    [property: JsonPropertyName("definitionsHash")] string DefinitionsHash,
    [property: JsonPropertyName("dataThrough")] string DataThrough,
    [property: JsonPropertyName("rawDays")] RawDays RawDays,
    [property: JsonPropertyName("engineVersion")] string EngineVersion,
    [property: JsonPropertyName("provisional")] bool Provisional)
{
    /// <summary>Only on a day run as of a history import: the instant up to which raw received after the day counts (see <c>POST /ops/imports</c>).</summary>
    [JsonPropertyName("asOf")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AsOf { get; init; }
}

public sealed record RawDays([property: JsonPropertyName("first")] string First, [property: JsonPropertyName("last")] string Last);

public sealed record EventCounts(
    [property: JsonPropertyName("folded")] long Folded,
    [property: JsonPropertyName("duplicatesDropped")] long DuplicatesDropped,
    [property: JsonPropertyName("late")] long Late,
    [property: JsonPropertyName("malformed")] long Malformed);
