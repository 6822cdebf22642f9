namespace Funnel.Engine.Processing;

/// <summary>A batch about to be written: its id and the shards its events go to.</summary>
public sealed record RawBatchClaim(string BatchId, IReadOnlyList<int> Shards)
{
    /// <summary>The batch's <see cref="BatchContent.Fingerprint"/>, kept with its first claim.</summary>
    public string? Content { get; init; }
}

/// <summary>What a batch's claim said before this one: the groups it was written to, and the shards its first claim named.</summary>
public sealed record EarlierClaim(IReadOnlyList<string> Groups, IReadOnlyList<int> Shards)
{
    /// <summary>The first claim's content fingerprint (null for claims written before fingerprints).</summary>
    public string? Content { get; init; }
}

/// <summary>
/// Which raw groups each batch was written to, by processing day. A batch is claimed before its group's blobs
/// are written, so a batch that comes again (a queue message delivered again after a crash or a failed delete,
/// or a client re-sending the same events) is recognised and each of its events stored once.
/// </summary>
public interface IRawBatchClaims
{
    /// <summary>
    /// Records the batches as written to <paramref name="group"/>; returns, for batches claimed before, what their
    /// claim said then (<paramref name="group"/> is added to it).
    /// </summary>
    Task<IReadOnlyDictionary<string, EarlierClaim>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<RawBatchClaim> batches, CancellationToken cancellationToken);
}
