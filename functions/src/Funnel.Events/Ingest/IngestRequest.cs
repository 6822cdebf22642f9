namespace Funnel.Events.Ingest;

/// <summary>An ingest call as the host hands it over: route kind (<c>batch</c>, <c>t</c>, …), the write key from the HTTP credentials if any, the content headers, the raw body.</summary>
public sealed record IngestRequest(
    string RouteKind,
    string? ContentType,
    string? ContentEncoding,
    string? CredentialWriteKey,
    ReadOnlyMemory<byte> Body);
