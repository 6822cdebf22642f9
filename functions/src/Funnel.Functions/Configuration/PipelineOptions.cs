using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Pipeline</c> settings: fixed per deployment.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>User shards; changing it re-shards raw data, so it is fixed once events are stored.</summary>
    [Range(1, 256)]
    public int Shards { get; set; } = 16;

    /// <summary>
    /// Deliveries before a message is parked, as deployed (Bicep sets it from functions/settings.json); neither host
    /// reads it: both take host.json's <c>extensions.queues.maxDequeueCount</c>, which a test holds equal.
    /// </summary>
    [Range(1, 100)]
    public int MaxDeliveryCount { get; set; } = FunctionNames.MaxDeliveryCount;

    /// <summary>Largest queue message body: Storage queues take 64 KiB.</summary>
    [Range(4_096, 64_000)]
    public int QueueMessageLimitBytes { get; set; } = 60_000;

    /// <summary>Standalone only: run the queue pollers in this process (under the Functions host its queue trigger calls the functions).</summary>
    public bool RunQueuePollers { get; set; } = true;

    /// <summary>
    /// Standalone only: how long a message being worked on stays hidden, renewed every third of it while its function
    /// runs, so a message held by a killed process is back this soon (the Functions host leases for 10 minutes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "7.00:00:00")]
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromSeconds(30);
}
