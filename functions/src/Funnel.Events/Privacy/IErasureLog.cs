namespace Funnel.Events.Privacy;

/// <summary>The log of erasure requests (the <c>Erasures</c> table): digests and counts only, never an id.</summary>
public interface IErasureLog
{
    Task AddAsync(ErasureRequest request, CancellationToken cancellationToken);

    /// <summary>The request, or null when no request has this id.</summary>
    Task<ErasureRequest?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every request, pending and completed.</summary>
    Task<IReadOnlyList<ErasureRequest>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Replaces a request's status, counts and remaining work.</summary>
    Task UpdateAsync(ErasureRequest request, CancellationToken cancellationToken);
}
