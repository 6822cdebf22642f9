using Funnel.Events.Ingest;
using Funnel.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Ingest;

/// <summary>
/// Moves this instance's refusal counts (<see cref="IngestRefusalTally"/>) to the daily counters every five
/// seconds and once more when the host stops, so a request never waits on the table and a storage outage
/// only delays the counts.
/// </summary>
public sealed class IngestRefusalFlush(IngestRefusalTally tally, IIngestRefusalCounters counters, TimeProvider time, ILogger<IngestRefusalFlush> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the last flush follows in StopAsync.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (tally.IsEmpty)
        {
            return;
        }
        try
        {
            await tally.FlushAsync(counters, cancellationToken);
        }
        catch (IngestRefusalFlushException ex)
        {
            logger.LogWarning("Refusal counts wait for the next flush ({Error})", StorageError.Describe(ex.InnerException ?? ex));
        }
    }
}
