namespace Funnel.Domain.Processing;

/// <summary>An anonymous device linked to a user by an identify or alias call that carried both ids, and when we received that call.</summary>
public sealed record IdentityLink(string AnonymousId, string UserId, DateTimeOffset LinkedAt);

/// <summary>The store of anonymous-id → user-id links. The first link of a device wins; later ones are ignored.</summary>
public interface IIdentityLinks
{
    /// <summary>The stored links of the given anonymous ids (absent ones are left out).</summary>
    Task<IReadOnlyDictionary<string, IdentityLink>> FindAsync(IReadOnlyCollection<string> anonymousIds, CancellationToken cancellationToken);

    /// <summary>
    /// Stores links whose anonymous id has none yet; returns the links already stored for the others (theirs
    /// win). Adding first and reading only on conflict costs one call per new device instead of two.
    /// </summary>
    Task<IReadOnlyDictionary<string, IdentityLink>> AddAsync(IReadOnlyCollection<IdentityLink> links, CancellationToken cancellationToken);
}
