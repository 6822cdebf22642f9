using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Functions.Telemetry;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Processing;

/// <summary>ProcessEvents: one <c>events</c> queue message in (one or more batches), their events in raw storage by user shard, written with the messages processed meanwhile.</summary>
public sealed class ProcessEventsFunction(
    IEventBatchMessages messages,
    EventBatchProcessor processor,
    IQueueSender queues,
    PipelineMetrics metrics,
    ILogger<ProcessEventsFunction> logger)
{
    /// <summary>Throws when the message should be delivered again; the trigger parks it after <see cref="FunctionNames.MaxDeliveryCount"/> deliveries.</summary>
    [Function(FunctionNames.ProcessEvents)]
    public async Task RunAsync(
        [QueueTrigger(StorageNames.EventsQueue, Connection = FunctionNames.StorageConnection)] string message,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<RawEventBatch> batches;
        try
        {
            batches = await messages.FromMessageAsync(message, cancellationToken);
        }
        catch (FormatException ex)
        {
            // Redelivering a message we cannot read would fail the same way: park it at once, with the reason.
            logger.LogError(ex, "Parking an unreadable {Queue} message", StorageNames.EventsQueue);
            await queues.ParkAsync(StorageNames.EventsQueue, message, $"malformed message: {ex.Message}", cancellationToken);
            metrics.Parked(StorageNames.EventsQueue);
            return;
        }
        // The batches of one message are stored together: RawBatchGroups writes them in the same blobs.
        var stored = await Task.WhenAll(batches.Select(batch => processor.ProcessAsync(batch, cancellationToken)));
        metrics.Processed(StorageNames.EventsQueue, stored.Sum());
        logger.LogInformation("Stored {Events} events of {Batches} batches ({First}…)", stored.Sum(), batches.Count, batches[0].BatchId);
    }
}
