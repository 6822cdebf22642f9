using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Funnel.Domain.Ingest;
using Funnel.Domain.Processing;

namespace Funnel.Storage.Keys;

/// <summary>
/// The <c>IdentityLinks</c> table: PK the first two hex characters of SHA-256(anonymousId), RK the
/// whole hash (anonymous ids may hold characters row keys refuse). Links never change once written,
/// so found ones are cached for the life of the process.
/// </summary>
public sealed class TableIdentityLinks(TableServiceClient tables) : IIdentityLinks
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.IdentityLinksTable);
    private const int MaxCachedLinks = 200_000;
    private readonly ConcurrentDictionary<string, IdentityLink> _known = new(StringComparer.Ordinal);

    /// <summary>Looks the ids up concurrently: a message's anonymous ids are independent rows, and one after another they were most of ProcessEvents' time.</summary>
    public async Task<IReadOnlyDictionary<string, IdentityLink>> FindAsync(IReadOnlyCollection<string> anonymousIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anonymousIds);
        var found = new ConcurrentDictionary<string, IdentityLink>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var id in anonymousIds)
        {
            if (_known.TryGetValue(id, out var cached))
            {
                found[id] = cached;
            }
            else
            {
                unknown.Add(id);
            }
        }
        await Parallel.ForEachAsync(unknown, Lookups(cancellationToken), async (id, ct) =>
        {
            var hash = HashedKey.Of(id);
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(HashedKey.PartitionOf(hash), hash, cancellationToken: ct);
            if (row.HasValue && row.Value!.GetString("UserId") is { } userId && row.Value.GetDateTimeOffset("LinkedAt") is { } linkedAt)
            {
                if (_known.Count >= MaxCachedLinks)
                {
                    _known.Clear();
                }
                found[id] = _known[id] = new IdentityLink(id, userId, linkedAt);
            }
        });
        return new Dictionary<string, IdentityLink>(found, StringComparer.Ordinal);
    }

    private static ParallelOptions Lookups(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };

    public async Task AddAsync(IReadOnlyCollection<IdentityLink> links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        await Parallel.ForEachAsync(links, Lookups(cancellationToken), async (link, ct) =>
        {
            var hash = HashedKey.Of(link.AnonymousId);
            var entity = new TableEntity(HashedKey.PartitionOf(hash), hash)
            {
                ["AnonymousId"] = link.AnonymousId,
                ["UserId"] = link.UserId,
                ["LinkedAt"] = link.LinkedAt,
            };
            try
            {
                await _table.AddEntityAsync(entity, ct);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another batch linked this device first; the first link wins.
            }
        });
    }
}
