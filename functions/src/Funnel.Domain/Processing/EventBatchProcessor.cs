using Funnel.Domain.Privacy;

namespace Funnel.Domain.Processing;

/// <summary>
/// ProcessEvents: writes a queued batch to raw storage, one blob per user shard under the batch's
/// processing day. The day comes from the batch's <c>receivedAt</c>, not the clock, so a message
/// redelivered after midnight still rewrites the same blobs instead of duplicating them.
/// Events of a person erased after ingest accepted them (still queued, or a replayed poison message) are left out.
/// </summary>
public sealed class EventBatchProcessor(IRawEventStore rawEvents, IIdentityLinks links, Events.ShardRouter router, ReportingClock clock, ErasedPersonsCache erased)
{
    /// <summary>Returns how many events were written.</summary>
    public async Task<int> ProcessAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var day = clock.DayOf(batch.ReceivedAt);
        batch = ErasedEvents.Without(batch, await erased.CurrentAsync(cancellationToken));
        if (batch.Events.Count == 0)
        {
            return 0;
        }
        var persons = await new PersonResolver(links).ResolveAsync(batch, cancellationToken);
        var slices = ShardSlices.Of(batch, persons, router);
        await Task.WhenAll(slices.Select(slice => rawEvents.WriteAsync(new RawBlobName(day, slice.Shard, batch.BatchId), slice.GzipNdjson, cancellationToken)));
        return slices.Sum(slice => slice.EventCount);
    }
}
