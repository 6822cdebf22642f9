using System.Text.Json.Serialization;

namespace Funnel.Metrics;

public sealed record FunnelReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepDefinitionReport> Steps,
    [property: JsonPropertyName("cohorts")] IReadOnlyList<FunnelCohortReport> Cohorts,
    [property: JsonPropertyName("breakdowns")] FunnelBreakdowns Breakdowns);

/// <summary>A step as the report names it, with the definitions' display labels when they give any.</summary>
public sealed record StepDefinitionReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("windowDays")] int? WindowDays,
    [property: JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Labels = null);

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
