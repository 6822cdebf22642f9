namespace Funnel.Events.Privacy;

/// <summary>Where an erasure stands: accepted and waiting for the next daily run, or done (nothing stored mentions the person).</summary>
public enum ErasureStatus
{
    Pending,
    Completed,
}

/// <summary>
/// One accepted erasure request as the log keeps it: never the id itself, only the digests of every id
/// of the person (the named id, and for a user the devices linked to them), and the user shards their
/// data lives in.
/// </summary>
public sealed record ErasureRequest(
    string Id,
    string IdKind,
    IReadOnlyList<string> Digests,
    IReadOnlyList<int> Shards,
    DateTimeOffset AcceptedAt,
    ErasureStatus Status,
    ErasureCounts Removed,
    DateTimeOffset? CompletedAt = null,
    string? Remaining = null);

/// <summary>What an erasure removed so far.</summary>
public sealed record ErasureCounts(
    long RawEvents = 0,
    int RawBlobs = 0,
    int Snapshots = 0,
    int Partials = 0,
    int AudienceFiles = 0,
    int IdentityLinks = 0)
{
    public static ErasureCounts Zero { get; } = new();

    public static ErasureCounts operator +(ErasureCounts a, ErasureCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.RawEvents + b.RawEvents, a.RawBlobs + b.RawBlobs, a.Snapshots + b.Snapshots, a.Partials + b.Partials,
            a.AudienceFiles + b.AudienceFiles, a.IdentityLinks + b.IdentityLinks);
    }
}
