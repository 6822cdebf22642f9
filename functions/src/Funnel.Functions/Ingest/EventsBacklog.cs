using Funnel.Functions.Telemetry;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Azure.Storage.Queues;
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

    /// <summary>The last sample; zero until the first one, and kept while storage does not answer.</summary>
    public QueueBacklog Latest => _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        metrics.WatchBacklog(StorageNames.EventsQueue, () => _latest);
        using var timer = new PeriodicTimer(SampleEvery, time);
        do
        {
            try
            {
                _latest = await _events.BacklogAsync(time.GetUtcNow(), stoppingToken);
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
