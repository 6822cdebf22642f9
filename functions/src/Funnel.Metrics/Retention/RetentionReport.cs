using System.Text.Json.Serialization;

namespace Funnel.Metrics;

public sealed record RetentionReport([property: JsonPropertyName("cohorts")] IReadOnlyList<RetentionCohort> Cohorts);

/// <summary>次日/7日/30日留存: D1, D7, D30 by calendar day in the report's zone.</summary>
public sealed record RetentionCohort(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("days")] IReadOnlyList<double?> Days,
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30,
    [property: JsonPropertyName("rolling")] RollingRetention Rolling,
    [property: JsonPropertyName("breakdowns")] ByFirstTouch<RetentionBreakdownRow> Breakdowns);

/// <summary>One value's members of the cohort and their D1, D7 and D30 (null until the day has come).</summary>
public sealed record RetentionBreakdownRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30);

/// <summary>Rolling Dn: active in the 24 h that start n × 24 h after the signup instant; null until every member's window has passed.</summary>
public sealed record RollingRetention(
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30);
