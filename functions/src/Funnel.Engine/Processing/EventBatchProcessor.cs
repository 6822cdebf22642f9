using Funnel.Events;
using Funnel.Events.Privacy;

namespace Funnel.Engine.Processing;

/// <summary>
/// ProcessEvents: writes a queued batch to raw storage under the batch's processing day, split by user shard,
/// through <see cref="RawBatchGroups"/> (one blob per shard for the batches processed meanwhile; a batch that
/// comes again is stored once). The day comes from the batch's <c>receivedAt</c>, not the clock, so a message
/// redelivered after midnight lands in the same day.
/// Each event goes to the shard of its own ids (userId, else anonymousId): no identity I/O here, because one
/// table call per device was most of this function's cost. Devices are linked to users by the daily run.
/// Events of a person erased after ingest accepted them (still queued, or a replayed poison message) are left out.
/// </summary>
public sealed class EventBatchProcessor(RawBatchGroups groups, Events.ShardRouter router, ReportingClock clock, ErasedPersonsCache erased)
{
    /// <summary>Returns how many events were written (0 for a batch stored before).</summary>
    public async Task<int> ProcessAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var day = clock.DayOf(batch.ReceivedAt);
        var content = BatchContent.Fingerprint(batch.Events);
        batch = ErasedEvents.Without(batch, await erased.CurrentAsync(cancellationToken));
        if (batch.Events.Count == 0)
        {
            return 0;
        }
        return await groups.StoreAsync(new PreparedBatch(batch.BatchId, day, ShardSlices.Of(batch, router)) { Content = content }, cancellationToken);
    }
}
