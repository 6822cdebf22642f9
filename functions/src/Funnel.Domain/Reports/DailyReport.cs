using System.Text.Json.Serialization;

namespace Funnel.Domain.Reports;

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
    [property: JsonPropertyName("experiments")] IReadOnlyList<ExperimentReport> Experiments);

public sealed record ReportManifest(
    [property: JsonPropertyName("definitionsHash")] string DefinitionsHash,
    [property: JsonPropertyName("dataThrough")] string DataThrough,
    [property: JsonPropertyName("rawDays")] RawDays RawDays,
    [property: JsonPropertyName("engineVersion")] string EngineVersion,
    [property: JsonPropertyName("provisional")] bool Provisional);

public sealed record RawDays([property: JsonPropertyName("first")] string First, [property: JsonPropertyName("last")] string Last);

public sealed record EventCounts(
    [property: JsonPropertyName("folded")] long Folded,
    [property: JsonPropertyName("duplicatesDropped")] long DuplicatesDropped,
    [property: JsonPropertyName("late")] long Late,
    [property: JsonPropertyName("malformed")] long Malformed);

public sealed record FunnelReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepDefinitionReport> Steps,
    [property: JsonPropertyName("cohorts")] IReadOnlyList<FunnelCohortReport> Cohorts,
    [property: JsonPropertyName("breakdowns")] FunnelBreakdowns Breakdowns);

public sealed record StepDefinitionReport([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("windowDays")] int? WindowDays);

public sealed record StepCount(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("fromPrevious")] double FromPrevious,
    [property: JsonPropertyName("mature")] bool Mature);

public sealed record ConversionTime(
    [property: JsonPropertyName("p25")] double P25,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p75")] double P75,
    [property: JsonPropertyName("p90")] double P90);

public sealed record FunnelCohortReport(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepCount> Steps,
    [property: JsonPropertyName("secondsToConvert")] IReadOnlyList<ConversionTime?> SecondsToConvert);

public sealed record BreakdownRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("experiment")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Experiment,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepCount> Steps);

public sealed record FunnelBreakdowns(
    [property: JsonPropertyName("channel")] IReadOnlyList<BreakdownRow> Channel,
    [property: JsonPropertyName("platform")] IReadOnlyList<BreakdownRow> Platform,
    [property: JsonPropertyName("variant")] IReadOnlyList<BreakdownRow> Variant);

public sealed record RetentionReport([property: JsonPropertyName("cohorts")] IReadOnlyList<RetentionCohort> Cohorts);

/// <summary>次日/7日/30日留存: D1, D7, D30 by calendar day in the report's zone.</summary>
public sealed record RetentionCohort(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("days")] IReadOnlyList<double?> Days,
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30,
    [property: JsonPropertyName("rolling")] RollingRetention Rolling);

/// <summary>Rolling Dn: active in the 24 h that start n × 24 h after the signup instant; null until every member's window has passed.</summary>
public sealed record RollingRetention(
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30);

public sealed record ActivityReport(
    [property: JsonPropertyName("dau")] long Dau,
    [property: JsonPropertyName("wau")] long Wau,
    [property: JsonPropertyName("mau")] long Mau,
    [property: JsonPropertyName("stickiness")] double Stickiness,
    [property: JsonPropertyName("newPersons")] long NewPersons,
    [property: JsonPropertyName("returning")] long Returning,
    [property: JsonPropertyName("resurrected")] long Resurrected);

public sealed record SampleRatio(
    [property: JsonPropertyName("expected")] IReadOnlyDictionary<string, double> Expected,
    [property: JsonPropertyName("observed")] IReadOnlyDictionary<string, double> Observed,
    [property: JsonPropertyName("pValue")] double? PValue);

public sealed record VariantStep([property: JsonPropertyName("count")] long Count, [property: JsonPropertyName("rate")] double Rate);

/// <summary>One variant against control on the experiment's conversion step; control's own row has no lift, p-value or interval.</summary>
public sealed record VariantReport(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("exposed")] long Exposed,
    [property: JsonPropertyName("converted")] long Converted,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("lift")] double? Lift,
    [property: JsonPropertyName("pValue")] double? PValue,
    [property: JsonPropertyName("ci95")] IReadOnlyList<double>? Ci95,
    [property: JsonPropertyName("steps")] IReadOnlyList<VariantStep> Steps);

public sealed record ExperimentReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("control")] string Control,
    [property: JsonPropertyName("sampleRatio")] SampleRatio SampleRatio,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("variants")] IReadOnlyList<VariantReport> Variants);

/// <summary>付费: paying persons and revenue over the 30 days ending on the report day; conversion and ARPU over MAU.</summary>
public sealed record MoneyReport(
    [property: JsonPropertyName("payingPersons")] long PayingPersons,
    [property: JsonPropertyName("payingConversion")] double PayingConversion,
    [property: JsonPropertyName("revenue")] decimal Revenue,
    [property: JsonPropertyName("arpu")] decimal Arpu,
    [property: JsonPropertyName("arppu")] decimal Arppu,
    [property: JsonPropertyName("channels")] IReadOnlyList<ChannelEconomics> Channels);

/// <summary>
/// 拉新成本 per channel with a configured daily cost: new persons and cost over the last 30 days, CAC,
/// and the average first-90-day revenue of persons acquired 90-119 days ago (null until such a month exists).
/// </summary>
public sealed record ChannelEconomics(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("newPersons")] long NewPersons,
    [property: JsonPropertyName("cost")] decimal Cost,
    [property: JsonPropertyName("cac")] decimal? Cac,
    [property: JsonPropertyName("ltv90")] decimal? Ltv90,
    [property: JsonPropertyName("ltvToCac")] double? LtvToCac);

/// <summary>分层 as of the report day; purchase conversion is the share of each layer that paid in the last 30 days.</summary>
public sealed record LayersReport(
    [property: JsonPropertyName("new")] long New,
    [property: JsonPropertyName("active")] long Active,
    [property: JsonPropertyName("highValue")] long HighValue,
    [property: JsonPropertyName("dormant")] long Dormant,
    [property: JsonPropertyName("activeNeverPaid")] long ActiveNeverPaid,
    [property: JsonPropertyName("purchaseConversion")] LayerConversion PurchaseConversion);

public sealed record LayerConversion(
    [property: JsonPropertyName("new")] double New,
    [property: JsonPropertyName("active")] double Active,
    [property: JsonPropertyName("activeNeverPaid")] double ActiveNeverPaid);

public sealed record RfmCell(
    [property: JsonPropertyName("r")] int R,
    [property: JsonPropertyName("f")] int F,
    [property: JsonPropertyName("m")] int M,
    [property: JsonPropertyName("persons")] long Persons);

public sealed record RfmGroup([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("persons")] long Persons);

public sealed record RfmReport(
    [property: JsonPropertyName("cells")] IReadOnlyList<RfmCell> Cells,
    [property: JsonPropertyName("groups")] IReadOnlyList<RfmGroup> Groups);
