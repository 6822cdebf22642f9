namespace Funnel.Events.Ingest;

/// <summary>Why a request was refused as a whole; the host turns it into its protocol's status (HTTP 400, 401, …).</summary>
public enum IngestRefusal
{
    /// <summary>Not JSON, not UTF-8, the wrong shape, or every event invalid.</summary>
    Malformed,

    /// <summary>No write key, or one we do not know.</summary>
    Unauthenticated,

    /// <summary>A route kind that is not a Segment endpoint.</summary>
    UnknownEndpoint,

    /// <summary>Over a size or count limit.</summary>
    TooLarge,

    /// <summary>A content type, charset or encoding we cannot read.</summary>
    UnsupportedContent,

    /// <summary>Too many requests are being queued at once, or processing is too far behind; the client should retry later.</summary>
    Busy,

    /// <summary>Storage did not answer in time or failed (key check or enqueue); nothing was acknowledged, the client should retry later.</summary>
    StorageUnavailable,
}
