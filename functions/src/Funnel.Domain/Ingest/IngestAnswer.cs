using System.Text.Json.Serialization;

namespace Funnel.Domain.Ingest;

/// <summary>The JSON body every ingest response carries.</summary>
public sealed record IngestAnswer(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("errors")] IReadOnlyList<IngestError> Errors);

/// <summary>An HTTP status with its answer; <see cref="RetryAfterSeconds"/> is set for 429 and 503.</summary>
public sealed record IngestResponse(int StatusCode, IngestAnswer Answer, int? RetryAfterSeconds = null)
{
    public static IngestResponse Refuse(int statusCode, string field, string reason, int? retryAfterSeconds = null) =>
        new(statusCode, new IngestAnswer(false, 0, 0, [new IngestError(null, field, reason)]), retryAfterSeconds);
}
