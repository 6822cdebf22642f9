using System.Text.Json.Serialization;

namespace Funnel.Events.Ingest;

/// <summary>The JSON body every ingest response carries.</summary>
public sealed record IngestAnswer(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("errors")] IReadOnlyList<IngestError> Errors);
