using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Pipeline</c> settings: fixed per deployment, read under either host.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>User shards; changing it re-shards raw data, so it is fixed once events are stored.</summary>
    [Range(1, 256)]
    public int Shards { get; set; } = 16;

    /// <summary>Largest queue message body: Storage queues take 64 KiB.</summary>
    [Range(4_096, 64_000)]
    public int QueueMessageLimitBytes { get; set; } = 60_000;
}
