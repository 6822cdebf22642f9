using Azure;
using Funnel.Functions.Configuration;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Hosting;

/// <summary>
/// The standalone host's queue trigger: receives from a Storage queue, runs the function, deletes on
/// success, backs off on failure, and parks a message in <c>{queue}-poison</c> with its reason after
/// <see cref="PipelineOptions.MaxDeliveryCount"/> deliveries, as the Functions host's queue trigger does.
/// A message stays hidden for <see cref="PipelineOptions.VisibilityTimeout"/>, renewed while its function
/// runs, so one held by a killed process is back within that time. No storage error ends the poller:
/// a failed receive, renew, delete, abandon or poison move is logged and the message comes back later.
/// </summary>
public sealed class QueuePoller(
    StorageQueueChannel channel,
    Func<QueuedMessage, CancellationToken, Task> handler,
    IOptions<PipelineOptions> options,
    ILogger<QueuePoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.RunQueuePollers)
        {
            logger.LogInformation("Queue pollers are off (Pipeline:RunQueuePollers=false); {Queue} is not polled here", channel.Name);
            return;
        }
        logger.LogInformation("Polling queue {Queue} ({Concurrency} at a time)", channel.Name, settings.PollerConcurrency);
        using var slots = new SemaphoreSlim(settings.PollerConcurrency);
        var running = new HashSet<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < Math.Min(32, settings.PollerConcurrency) && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }
                IReadOnlyList<QueuedMessage> messages;
                try
                {
                    messages = await channel.ReceiveAsync(free, settings.VisibilityTimeout, stoppingToken);
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }
                if (messages.Count < free)
                {
                    slots.Release(free - messages.Count);
                }
                if (messages.Count == 0)
                {
                    await Delay(settings.IdlePollDelay, stoppingToken);
                    continue;
                }
                foreach (var message in messages)
                {
                    var work = HandleAndReleaseAsync(message, settings, slots, stoppingToken);
                    lock (running)
                    {
                        running.Add(work);
                    }
                    _ = work.ContinueWith(done => { lock (running) { running.Remove(done); } }, TaskScheduler.Default);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning("Receiving from {Queue} failed ({Error}); retrying in 1 s", channel.Name, StorageError.Describe(ex));
                await Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        Task[] pending;
        lock (running)
        {
            pending = [.. running];
        }
        await Task.WhenAll(pending);
    }

    private async Task HandleAndReleaseAsync(QueuedMessage message, PipelineOptions settings, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await HandleOneAsync(message, settings, stoppingToken);
        }
        catch (Exception ex)
        {
            // Never reached by design; kept so that no fault can end the poller or the host.
            logger.LogError(ex, "Unexpected failure handling message {MessageId} of {Queue}", message.MessageId, channel.Name);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task HandleOneAsync(QueuedMessage message, PipelineOptions settings, CancellationToken stoppingToken)
    {
        using var renewal = new LeaseRenewal(channel, message, settings.VisibilityTimeout, logger);
        Exception? failure = null;
        try
        {
            await handler(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // Shutting down: the lease runs out and the message comes back.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        var current = await renewal.StopAsync();
        try
        {
            if (failure is null)
            {
                await channel.CompleteAsync(current, CancellationToken.None);
            }
            else
            {
                await SettleFailureAsync(current, failure, settings);
            }
        }
        catch (Exception settleError)
        {
            // The message's lease runs out and it comes back: retried, never lost; its work is idempotent.
            logger.LogWarning("Could not settle message {MessageId} of {Queue} ({Error}); it becomes visible again within {Lease}",
                message.MessageId, channel.Name, StorageError.Describe(settleError), settings.VisibilityTimeout);
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

    /// <summary>Extends a message's invisibility every third of the timeout while its function runs.</summary>
    private sealed class LeaseRenewal : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<QueuedMessage> _loop;

        public LeaseRenewal(StorageQueueChannel channel, QueuedMessage message, TimeSpan timeout, ILogger logger) =>
            _loop = RenewAsync(channel, message, timeout, logger, _stop.Token);

        /// <summary>Stops renewing; returns the message with its latest pop receipt.</summary>
        public async Task<QueuedMessage> StopAsync()
        {
            await _stop.CancelAsync();
            return await _loop;
        }

        public void Dispose() => _stop.Dispose();

        private static async Task<QueuedMessage> RenewAsync(StorageQueueChannel channel, QueuedMessage message, TimeSpan timeout, ILogger logger, CancellationToken stop)
        {
            var current = message;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(timeout / 3, stop);
                    current = await channel.RenewAsync(current, timeout, stop);
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
