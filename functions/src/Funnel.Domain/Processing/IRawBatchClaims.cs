namespace Funnel.Domain.Processing;

/// <summary>
/// Which raw groups each batch was written to, by processing day. A batch is claimed before its group's blobs
/// are written, so a batch that comes again (a queue message delivered again after a crash or a failed delete,
/// or a client re-sending the same events) is recognised and each of its events stored once.
/// </summary>
public interface IRawBatchClaims
{
    /// <summary>
    /// Records the batches as written to <paramref name="group"/>; returns, for batches recorded before, the groups
    /// they were recorded under then (<paramref name="group"/> is added to their record too).
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<string> batchIds, CancellationToken cancellationToken);
}
