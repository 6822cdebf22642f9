using System.Text.Json.Serialization;

namespace Funnel.Domain.Metrics;

/// <summary>沉睡用户唤醒: one cohort per return day with returners, oldest first.</summary>
public sealed record WinBackReport([property: JsonPropertyName("cohorts")] IReadOnlyList<WinBackCohort> Cohorts);

/// <summary><see cref="Mature"/> once the whole 7-day window after the return day has passed.</summary>
public sealed record WinBackCohort(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("returned")] long Returned,
    [property: JsonPropertyName("activeWithin7")] long ActiveWithin7,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("mature")] bool Mature);
