using Funnel.Functions.Configuration;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Hosting;

/// <summary>
/// The standalone host's queue trigger: receives from a Storage queue, runs the function, deletes on
/// success, backs off on failure, and parks a message in <c>{queue}-poison</c> with its reason after
/// <see cref="PipelineOptions.MaxDeliveryCount"/> deliveries, as the Functions host's queue trigger does.
/// </summary>
public sealed class QueuePoller(
    StorageQueueChannel channel,
    Func<QueuedMessage, CancellationToken, Task> handler,
    IOptions<PipelineOptions> options,
    ILogger<QueuePoller> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunQueuePollers)
        {
            logger.LogInformation("Queue pollers are off (Pipeline:RunQueuePollers=false); {Queue} is not polled here", channel.Name);
            return;
        }
        logger.LogInformation("Polling queue {Queue} ({Concurrency} at a time)", channel.Name, settings.PollerConcurrency);
        var idle = settings.IdlePollDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueuedMessage> messages;
            try
            {
                messages = await channel.ReceiveAsync(Math.Min(32, settings.PollerConcurrency * 4), Lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving from {Queue} failed; retrying", channel.Name);
                await Delay(TimeSpan.FromSeconds(2), stoppingToken);
                continue;
            }
            if (messages.Count == 0)
            {
                await Delay(idle, stoppingToken);
                continue;
            }
            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = settings.PollerConcurrency, CancellationToken = stoppingToken },
                async (message, ct) => await HandleOneAsync(message, settings, ct));
        }
    }

    private async Task HandleOneAsync(QueuedMessage message, PipelineOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await handler(message, cancellationToken);
            await channel.CompleteAsync(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the message comes back.
        }
        catch (Exception ex)
        {
            try
            {
                await SettleFailureAsync(message, ex, settings);
            }
            catch (Exception settleError) when (settleError is not OperationCanceledException)
            {
                // The message's lease runs out and it comes back: retried, never lost. The poller keeps going.
                logger.LogWarning(settleError, "Could not settle failed message {MessageId} of {Queue}; it becomes visible again when its lease ends", message.MessageId, channel.Name);
            }
        }
    }

    private async Task SettleFailureAsync(QueuedMessage message, Exception ex, PipelineOptions settings)
    {
        if (message.DequeueCount >= settings.MaxDeliveryCount)
        {
            var reason = $"failed {message.DequeueCount} times; last error: {ex.GetType().Name}: {ex.Message}";
            logger.LogError(ex, "Parking message {MessageId} of {Queue} in its poison queue: {Reason}", message.MessageId, channel.Name, reason);
            await channel.MoveToPoisonAsync(message, reason, CancellationToken.None);
        }
        else
        {
            var backoff = TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromMinutes(1).Ticks, settings.RetryBaseDelay.Ticks * Math.Pow(2, message.DequeueCount - 1)));
            logger.LogWarning(ex, "Message {MessageId} of {Queue} failed (delivery {Delivery}); retrying in {Backoff}", message.MessageId, channel.Name, message.DequeueCount, backoff);
            await channel.AbandonAsync(message, backoff, CancellationToken.None);
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
