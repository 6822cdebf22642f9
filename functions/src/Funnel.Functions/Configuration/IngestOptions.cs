using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Ingest</c> settings.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Write keys accepted besides those stored hashed in the WriteKeys table (<c>Ingest__WriteKeys__0</c>, …).</summary>
    public List<string> WriteKeys { get; set; } = [];

    /// <summary>Requests enqueueing at once; beyond this, and after <see cref="QueueWait"/>, clients get 429.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentEnqueues { get; set; } = 64;

    public TimeSpan QueueWait { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;
}
