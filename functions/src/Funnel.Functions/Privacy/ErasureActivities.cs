using Funnel.Engine.Erasure;
using Funnel.Events.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Privacy;

/// <summary>The erasure round's activities: the I/O around the domain's <see cref="PersonEraser"/>. Each can run again: what is gone stays gone.</summary>
public sealed class ErasureActivities(IErasureLog log, PersonEraser eraser, Definitions.DefinitionsInForce definitions, IPersonDevices devices, TimeProvider time, ILogger<ErasureActivities> logger)
{
    [Function(PrivacyFunctionNames.ListPendingErasures)]
    public async Task<List<ErasureRequest>> ListPendingAsync([ActivityTrigger] DateOnly afterDay, CancellationToken cancellationToken) =>
        (await log.ListAsync(cancellationToken)).Where(r => r.Status == ErasureStatus.Pending).ToList();

    [Function(PrivacyFunctionNames.EraseShard)]
    public async Task<ErasureTally> EraseShardAsync([ActivityTrigger] EraseShardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The shard's figures are computed again with the definitions in force, as its next run will.
        return await eraser.With(await definitions.RunInForceAsync(cancellationToken)).EraseShardAsync(request.Shard, new ErasedPersons(request.Requests), cancellationToken);
    }

    [Function(PrivacyFunctionNames.ErasePersonFiles)]
    public async Task<ErasureTally> ErasePersonFilesAsync([ActivityTrigger] List<ErasureRequest> requests, CancellationToken cancellationToken) =>
        await eraser.ErasePersonFilesAsync(new ErasedPersons(requests), cancellationToken);

    [Function(PrivacyFunctionNames.CompleteErasures)]
    public async Task<int> CompleteAsync([ActivityTrigger] CompleteErasuresRequest round, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(round);
        var completed = 0;
        foreach (var id in round.RequestIds)
        {
            if (await log.GetAsync(id, cancellationToken) is not { Status: ErasureStatus.Pending } request)
            {
                continue;
            }
            var removed = round.Tallies.Aggregate(request.Removed, (sum, t) => sum + t.Removed.GetValueOrDefault(id, ErasureCounts.Zero));
            // A daily run's link step that read the erasure log before the request came may have stored a link of theirs since.
            removed = removed with { IdentityLinks = removed.IdentityLinks + await devices.ForgetAsync(request.Digests, cancellationToken) };
            var remaining = round.Tallies.Select(t => t.Remaining.GetValueOrDefault(id)).OfType<string>().ToList();
            var updated = remaining.Count == 0
                ? request with { Status = ErasureStatus.Completed, Removed = removed, CompletedAt = time.GetUtcNow(), Remaining = null }
                : request with { Removed = removed, Remaining = string.Join("; ", remaining) };
            await log.UpdateAsync(updated, cancellationToken);
            if (updated.Status == ErasureStatus.Completed)
            {
                completed++;
                logger.LogInformation("Erasure {Request} completed: {RawEvents} raw events in {RawBlobs} slices, {Snapshots} snapshots, {Partials} partials, {Files} files",
                    id, removed.RawEvents, removed.RawBlobs, removed.Snapshots, removed.Partials, removed.AudienceFiles);
            }
            else
            {
                logger.LogWarning("Erasure {Request} stays pending: {Remaining}", id, updated.Remaining);
            }
        }
        return completed;
    }
}
