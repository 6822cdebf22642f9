using System.Text.Json.Serialization;

namespace Funnel.Events.Ingest;

/// <summary>Why an event (by its index in the batch) or the whole request (index null) was refused.</summary>
public sealed record IngestError(
    [property: JsonPropertyName("index")] int? Index,
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("reason")] string Reason);
