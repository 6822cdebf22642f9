using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Pipeline</c> settings: fixed per deployment.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>User shards; changing it re-shards raw data, so it is fixed once events are stored.</summary>
    [Range(1, 256)]
    public int Shards { get; set; } = 16;

    /// <summary>Deliveries before a message is parked; equals host.json's queues.maxDequeueCount.</summary>
    [Range(1, 100)]
    public int MaxDeliveryCount { get; set; } = FunctionNames.MaxDeliveryCount;

    /// <summary>Largest queue message body: Storage queues take 64 KiB.</summary>
    [Range(4_096, 64_000)]
    public int QueueMessageLimitBytes { get; set; } = 60_000;

    /// <summary>Standalone only: run the queue pollers in this process (under the Functions host its queue trigger calls the functions).</summary>
    public bool RunQueuePollers { get; set; } = true;

    /// <summary>Standalone only: messages handled at once (the Functions host's <c>queues.batchSize</c> plays this part there).</summary>
    [Range(1, 64)]
    public int PollerConcurrency { get; set; } = 16;

    /// <summary>Standalone only: how long a received message stays hidden; renewed while its function runs, so a message held by a killed process is back this soon.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan IdlePollDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Wait before the second delivery of a failed message; it doubles per delivery, capped at a minute.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
}
