using Funnel.Engine.Processing;

namespace Funnel.Testing;

/// <summary>Raw batch claims in memory, for hosts whose storage is mocked.</summary>
public sealed class InMemoryRawBatchClaims : IRawBatchClaims
{
    private readonly Dictionary<(DateOnly Day, string BatchId), (List<string> Groups, IReadOnlyList<int> Shards, string? Content)> _claims = [];

    public Task<IReadOnlyDictionary<string, EarlierClaim>> ClaimAsync(DateOnly day, string group, IReadOnlyCollection<RawBatchClaim> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var earlier = new Dictionary<string, EarlierClaim>(StringComparer.Ordinal);
        lock (_claims)
        {
            foreach (var batch in batches)
            {
                if (_claims.TryGetValue((day, batch.BatchId), out var claim))
                {
                    earlier[batch.BatchId] = new EarlierClaim(claim.Groups.ToList(), claim.Shards) { Content = claim.Content };
                    claim.Groups.Add(group);
                }
                else
                {
                    _claims[(day, batch.BatchId)] = ([group], batch.Shards.ToList(), batch.Content);
                }
            }
        }
        return Task.FromResult<IReadOnlyDictionary<string, EarlierClaim>>(earlier);
    }
}
