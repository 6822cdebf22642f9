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

    /// <summary>How long a request waits for an enqueue slot when all are taken.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QueueWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The <c>Retry-After</c> of a 429 or 503 answer.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>How long one request may wait for storage (write-key lookup and enqueue together) before it gets 503 with Retry-After.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan StorageTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Queued messages beyond which ingest answers 429 with Retry-After so clients slow down; 0 turns the bound off.</summary>
    [Range(0, 100_000_000)]
    public int MaxBacklog { get; set; }
}
