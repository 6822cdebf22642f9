using System.Text.Json.Serialization;
using Funnel.Events.Ingest;

namespace Funnel.Metrics;

/// <summary>数据质量 of the events processed on the report day, on five dimensions, and what ingest refused.</summary>
public sealed record DataQualityReport(
    [property: JsonPropertyName("completeness")] Completeness Completeness,
    [property: JsonPropertyName("uniqueness")] Uniqueness Uniqueness,
    [property: JsonPropertyName("timeliness")] Timeliness Timeliness,
    [property: JsonPropertyName("accuracy")] Accuracy Accuracy,
    [property: JsonPropertyName("consistency")] Consistency Consistency,
    [property: JsonPropertyName("rejectedAtIngest")] IReadOnlyList<RejectedAtIngest> RejectedAtIngest);

/// <summary>Shares of the day's folded events without a channel, without a platform.</summary>
public sealed record Completeness(
    [property: JsonPropertyName("missingChannel")] double MissingChannel,
    [property: JsonPropertyName("missingPlatform")] double MissingPlatform);

/// <summary>
/// Copies dropped as duplicates, and their share of all copies processed; and events received that day whose message
/// ids a client had already used for other events (not stored: the first copy stands).
/// </summary>
public sealed record Uniqueness(
    [property: JsonPropertyName("duplicatesDropped")] long DuplicatesDropped,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("reusedMessageIds")] long ReusedMessageIds);

public sealed record Timeliness(
    [property: JsonPropertyName("late")] long Late,
    [property: JsonPropertyName("lateRate")] double LateRate,
    [property: JsonPropertyName("lagSeconds")] LagPercentiles LagSeconds);

/// <summary>Whole seconds of receivedAt − timestamp; null when nothing was folded.</summary>
public sealed record LagPercentiles(
    [property: JsonPropertyName("p50")] long? P50,
    [property: JsonPropertyName("p95")] long? P95,
    [property: JsonPropertyName("p99")] long? P99);

public sealed record Accuracy([property: JsonPropertyName("invalidRevenue")] long InvalidRevenue);

public sealed record Consistency([property: JsonPropertyName("unknownEvents")] IReadOnlyList<UnknownEvent> UnknownEvents);

public sealed record UnknownEvent(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("count")] long Count);

