using Azure.Storage.Queues;
using Funnel.Functions.Telemetry;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Ingest;

/// <summary>
/// Samples the events queue every two seconds: its length and the age of its oldest message, published
/// as metrics and read by ingest to answer 429 when processing falls too far behind
/// (<see cref="Configuration.IngestOptions.MaxBacklog"/>). A request never waits for a sample.
/// </summary>
public sealed class EventsBacklog(QueueServiceClient queues, TimeProvider time, PipelineMetrics metrics, ILogger<EventsBacklog> logger) : BackgroundService
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);
    private readonly StorageQueueChannel _events = new(queues, StorageNames.EventsQueue);
    private QueueBacklog _latest;
    private int _sentSinceSample;
    private int _sending;

    /// <summary>The last sample; zero until the first one, and kept while storage does not answer.</summary>
    public QueueBacklog Latest => _latest;

    /// <summary>
    /// Takes room for one more message (the group send a request joins; requests queued together share their messages)
    /// when the last sample, the messages this instance queued since and the requests still sending leave it under
    /// <paramref name="bound"/>; false otherwise. Taken atomically, so requests checking at the same moment cannot all
    /// pass on the same free place. Every true is followed by <see cref="Release"/> once the request's send has ended.
    /// </summary>
    public bool TryReserve(int bound)
    {
        var sending = Volatile.Read(ref _sending);
        while (_latest.Messages + Volatile.Read(ref _sentSinceSample) + sending + 1 <= bound)
        {
            var seen = Interlocked.CompareExchange(ref _sending, sending + 1, sending);
            if (seen == sending)
            {
                return true;
            }
            sending = seen;
        }
        return false;
    }

    /// <summary>Gives back a place taken by <see cref="TryReserve"/>: the send has ended (its messages, if any, are counted by <see cref="Queued"/>).</summary>
    public void Release() => Interlocked.Decrement(ref _sending);

    /// <summary>Counts messages this instance put on the queue, so the bound holds between samples too.</summary>
    public void Queued(int messages) => Interlocked.Add(ref _sentSinceSample, messages);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.WatchBacklog(StorageNames.EventsQueue, () => _latest);
        using var timer = new PeriodicTimer(SampleEvery, time);
        do
        {
            try
            {
                // Messages queued while the sample is taken may be counted twice, never missed: the estimate errs high.
                var counted = Volatile.Read(ref _sentSinceSample);
                _latest = await _events.BacklogAsync(time.GetUtcNow(), stoppingToken);
                Interlocked.Add(ref _sentSinceSample, -counted);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Sampling the {Queue} backlog failed ({Error})", StorageNames.EventsQueue, StorageError.Describe(ex));
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
