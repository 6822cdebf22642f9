using Funnel.Domain.Processing;

namespace Funnel.Testing;

/// <summary>Raw batch claims in memory, for hosts whose storage is mocked.</summary>
public sealed class InMemoryRawBatchClaims : IRawBatchClaims
{
    private readonly Dictionary<(DateOnly Day, string BatchId), List<string>> _claims = [];

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<string> batchIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        var earlier = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        lock (_claims)
        {
            foreach (var id in batchIds)
            {
                if (_claims.TryGetValue((day, id), out var groups))
                {
                    earlier[id] = groups.ToList();
                    groups.Add(group);
                }
                else
                {
                    _claims[(day, id)] = [group];
                }
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(earlier);
    }
}
