using Azure;
using Azure.Storage.Queues;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Hosting;

/// <summary>
/// The standalone host's queue trigger, behaving as the Functions host's queue listener and processor with the
/// function app's <see cref="QueueTriggerSettings"/>: fetches <c>batchSize</c> messages, fetches again once
/// <c>newBatchThreshold</c> or fewer of them still run, backs off up to <c>maxPollingInterval</c> while the
/// queue is empty; deletes a message whose function succeeded, makes a failed one visible again after
/// <c>visibilityTimeout</c>, and after <c>maxDequeueCount</c> failed deliveries moves it, body unchanged, to its
/// poison queue. A message it works on stays hidden for <see cref="StandaloneOptions.MessageLease"/>, renewed while
/// its function runs (the Functions host leases for 10 minutes), so one held by a killed process is back soon.
/// No storage error ends the poller: a failed receive, renew, delete, release or poison move is logged and the
/// message comes back when its lease ends.
/// </summary>
public sealed class QueuePoller(
    StorageQueueChannel channel,
    QueueClient poisonQueue,
    Func<QueuedMessage, CancellationToken, Task> handler,
    QueueTriggerSettings trigger,
    IOptions<StandaloneOptions> options,
    ILogger<QueuePoller> logger) : BackgroundService
{
    /// <summary>The queue polled.</summary>
    public string Queue => channel.Name;

    /// <summary>Where a message goes after <c>maxDequeueCount</c> failed deliveries.</summary>
    public string PoisonQueue => poisonQueue.Name;

    /// <summary>The queue trigger settings this poller follows.</summary>
    public QueueTriggerSettings Trigger => trigger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunQueuePollers)
        {
            logger.LogInformation("Queue pollers are off (Standalone__RunQueuePollers=false); {Queue} is not polled here", channel.Name);
            return;
        }
        logger.LogInformation(
            "Polling queue {Queue}: batches of {BatchSize}, the next once {NewBatchThreshold} or fewer run; a failed message again after {VisibilityTimeout}, to {PoisonQueue} after {MaxDequeueCount} deliveries",
            channel.Name, trigger.BatchSize, trigger.NewBatchThreshold, trigger.VisibilityTimeout, poisonQueue.Name, trigger.MaxDequeueCount);
        var backoff = new PollingBackoff(QueueTriggerSettings.MinimumPollingInterval, trigger.MaxPollingInterval);
        var running = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueuedMessage> batch;
            try
            {
                batch = await channel.ReceiveAsync(trigger.BatchSize, settings.MessageLease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var wait = backoff.NextDelay();
                logger.LogWarning("Receiving from {Queue} failed ({Error}); polling again in {Wait}", channel.Name, StorageError.Describe(ex), wait);
                await Delay(wait, stoppingToken);
                continue;
            }
            if (batch.Count == 0)
            {
                await Delay(backoff.NextDelay(), stoppingToken);
                continue;
            }
            backoff.Found();
            foreach (var message in batch)
            {
                running.Add(HandleAsync(message, settings.MessageLease, stoppingToken));
            }
            await WaitForNewBatchThresholdAsync(running);
        }
        await Task.WhenAll(running);
    }

    /// <summary>Returns once no more than <c>newBatchThreshold</c> of the fetched messages are still running.</summary>
    private async Task WaitForNewBatchThresholdAsync(List<Task> running)
    {
        running.RemoveAll(task => task.IsCompleted);
        while (running.Count > trigger.NewBatchThreshold)
        {
            running.Remove(await Task.WhenAny(running));
        }
    }

    private async Task HandleAsync(QueuedMessage message, TimeSpan lease, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount > trigger.MaxDequeueCount)
            {
                // Delivered more often than allowed without being settled (its holder died): moved unrun, as the Functions host does.
                logger.LogError("Message {MessageId} of {Queue} was delivered {Deliveries} times, over maxDequeueCount {MaxDequeueCount}; moving it to {PoisonQueue} without running it",
                    message.MessageId, channel.Name, message.DequeueCount, trigger.MaxDequeueCount, poisonQueue.Name);
                await MoveToPoisonAsync(message);
                return;
            }
            Exception? failure = null;
            QueuedMessage current;
            using (var renewal = new LeaseRenewal(channel, message, lease, logger))
            {
                try
                {
                    // On shutdown the function is cancelled; if it throws, the delivery counts as failed, as under the Functions host.
                    await handler(message, stoppingToken);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
                current = await renewal.StopAsync();
            }
            await SettleAsync(current, failure);
        }
        catch (Exception ex)
        {
            // The message's lease runs out and it comes back: retried, never lost; its work is idempotent.
            logger.LogWarning("Could not settle message {MessageId} of {Queue} ({Error}); it becomes visible again within {Lease}",
                message.MessageId, channel.Name, StorageError.Describe(ex), lease);
        }
    }

    private async Task SettleAsync(QueuedMessage message, Exception? failure)
    {
        if (failure is null)
        {
            await channel.CompleteAsync(message, CancellationToken.None);
        }
        else if (message.DequeueCount >= trigger.MaxDequeueCount)
        {
            logger.LogError(failure, "Message {MessageId} of {Queue} failed {Deliveries} times (maxDequeueCount); moving it to {PoisonQueue}",
                message.MessageId, channel.Name, message.DequeueCount, poisonQueue.Name);
            await MoveToPoisonAsync(message);
        }
        else
        {
            logger.LogWarning(failure, "Message {MessageId} of {Queue} failed (delivery {Delivery} of {MaxDequeueCount}); it is delivered again after {VisibilityTimeout}",
                message.MessageId, channel.Name, message.DequeueCount, trigger.MaxDequeueCount, trigger.VisibilityTimeout);
            await channel.AbandonAsync(message, trigger.VisibilityTimeout, CancellationToken.None);
        }
    }

    /// <summary>Copies the body as it is to the poison queue (created when missing), then deletes the message: copy first, so nothing is lost.</summary>
    private async Task MoveToPoisonAsync(QueuedMessage message)
    {
        try
        {
            await poisonQueue.SendMessageAsync(message.Body, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await poisonQueue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            await poisonQueue.SendMessageAsync(message.Body, CancellationToken.None);
        }
        await channel.CompleteAsync(message, CancellationToken.None);
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

    /// <summary>Extends a message's invisibility every third of the lease while its function runs.</summary>
    private sealed class LeaseRenewal : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<QueuedMessage> _loop;

        public LeaseRenewal(StorageQueueChannel channel, QueuedMessage message, TimeSpan lease, ILogger logger) =>
            _loop = RenewAsync(channel, message, lease, logger, _stop.Token);

        /// <summary>Stops renewing; returns the message with its latest pop receipt.</summary>
        public async Task<QueuedMessage> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public void Dispose() => _stop.Dispose();

        private static async Task<QueuedMessage> RenewAsync(StorageQueueChannel channel, QueuedMessage message, TimeSpan lease, ILogger logger, CancellationToken stop)
        {
            var current = message;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(lease / 3, stop);
                    current = await channel.RenewAsync(current, lease, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (RequestFailedException ex) when (StorageQueueChannel.IsLeaseLost(ex))
                {
                    break; // Delivered again elsewhere; the work is idempotent.
                }
                catch (Exception ex)
                {
                    logger.LogWarning("Renewing the lease of message {MessageId} of {Queue} failed ({Error}); trying again", message.MessageId, channel.Name, StorageError.Describe(ex));
                }
            }
            return current;
        }
    }
}
