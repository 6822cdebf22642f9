namespace Funnel.Events.Ingest;

/// <summary>Size and shape limits an ingest request must respect (the Segment HTTP API's own limits).</summary>
public sealed record IngestLimits
{
    public int MaxEventBytes { get; init; } = 32 * 1024;
    public int MaxBatchBytes { get; init; } = 500 * 1024;
    public int MaxBatchEvents { get; init; } = 2_500;

    /// <summary>A gzip body may not inflate past this, so a compression bomb costs us at most this much memory.</summary>
    public int MaxDecompressedBytes { get; init; } = 500 * 1024;

    public int MaxJsonDepth { get; init; } = 32;
    public int MaxIdLength { get; init; } = 256;
    public int MaxMessageIdLength { get; init; } = 100;
    public int MaxEventNameLength { get; init; } = 256;
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(731);
}
