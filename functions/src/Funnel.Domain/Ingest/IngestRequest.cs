namespace Funnel.Domain.Ingest;

/// <summary>An ingest call as either host hands it over: route kind (<c>batch</c>, <c>t</c>, …), the headers that matter, the raw body.</summary>
public sealed record IngestRequest(
    string RouteKind,
    string? ContentType,
    string? ContentEncoding,
    string? Authorization,
    ReadOnlyMemory<byte> Body);
