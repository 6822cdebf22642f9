using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>沉睡用户唤醒: one cohort per return day with returners, oldest first, and 唤醒后7日活跃率 over the mature ones.</summary>
public sealed record WinBackReport(
    [property: JsonPropertyName("cohorts")] IReadOnlyList<WinBackCohort> Cohorts,
    [property: JsonPropertyName("mature")] WinBackRate Mature,
    [property: JsonPropertyName("breakdowns")] ByFirstTouch<WinBackBreakdownRow> Breakdowns);

/// <summary>The value's mature returns pooled: returned, active again within 7 days, and the share (null while none is mature).</summary>
public sealed record WinBackBreakdownRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("returned")] long Returned,
    [property: JsonPropertyName("activeWithin7")] long ActiveWithin7,
    [property: JsonPropertyName("rate")] double? Rate);

/// <summary>Over the returns of the last 30 days whose 7 days have passed: how many, how many were active again within 7 days, and the share (null without returns).</summary>
public sealed record WinBackRate(
    [property: JsonPropertyName("returned")] long Returned,
    [property: JsonPropertyName("activeWithin7")] long ActiveWithin7,
    [property: JsonPropertyName("rate")] double? Rate);

/// <summary><see cref="Mature"/> once the whole 7-day window after the return day has passed.</summary>
public sealed record WinBackCohort(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("returned")] long Returned,
    [property: JsonPropertyName("activeWithin7")] long ActiveWithin7,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("mature")] bool Mature);
