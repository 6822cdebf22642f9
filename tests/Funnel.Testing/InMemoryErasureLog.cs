using System.Collections.Concurrent;
using Funnel.Events.Privacy;

namespace Funnel.Testing;

/// <summary>An erasure log in memory, for hosts whose storage is mocked or absent.</summary>
public sealed class InMemoryErasureLog : IErasureLog
{
    private readonly ConcurrentDictionary<string, ErasureRequest> _requests = new(StringComparer.Ordinal);

    public Task AddAsync(ErasureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _requests.TryAdd(request.Id, request) ? Task.CompletedTask : throw new InvalidOperationException($"erasure {request.Id} exists");
    }

    public Task<ErasureRequest?> GetAsync(string id, CancellationToken cancellationToken) => Task.FromResult(_requests.GetValueOrDefault(id));

    public Task<IReadOnlyList<ErasureRequest>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ErasureRequest>>([.. _requests.Values.OrderBy(r => r.Id, StringComparer.Ordinal)]);

    public Task UpdateAsync(ErasureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests[request.Id] = request;
        return Task.CompletedTask;
    }
}
