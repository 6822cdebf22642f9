namespace Funnel.Engine.Identity;

/// <summary>An anonymous device linked to a user by an identify or alias call that carried both ids, and when we received that call.</summary>
public sealed record IdentityLink(string AnonymousId, string UserId, DateTimeOffset LinkedAt)
{
    /// <summary>The link that wins for a device: the one received first; on the same instant, the smaller user id, so every shard and rerun agrees.</summary>
    public static IdentityLink First(IdentityLink a, IdentityLink b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var order = a.LinkedAt.CompareTo(b.LinkedAt);
        return order < 0 || (order == 0 && string.CompareOrdinal(a.UserId, b.UserId) <= 0) ? a : b;
    }
}

/// <summary>
/// The table of anonymous-id → user-id links the daily run made, kept for erasure (which devices are a user's).
/// A device keeps its first link (<see cref="IdentityLink.First"/>).
/// </summary>
public interface IIdentityLinks
{
    /// <summary>The stored links of the given anonymous ids (absent ones are left out).</summary>
    Task<IReadOnlyDictionary<string, IdentityLink>> FindAsync(IReadOnlyCollection<string> anonymousIds, CancellationToken cancellationToken);

    /// <summary>Stores each link unless its device already has a first one; replaces a stored link that came later.</summary>
    Task AddAsync(IReadOnlyCollection<IdentityLink> links, CancellationToken cancellationToken);
}
