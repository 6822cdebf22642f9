using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Funnel.Domain.Ingest;
using Funnel.Domain.Privacy;
using Funnel.Domain.Processing;

namespace Funnel.Storage.Keys;

/// <summary>
/// The <c>IdentityLinks</c> table: PK the first two hex characters of SHA-256(anonymousId), RK the
/// whole hash (anonymous ids may hold characters row keys refuse). Links never change once written,
/// so found ones are cached for the life of the process.
/// </summary>
public sealed class TableIdentityLinks(TableServiceClient tables) : IIdentityLinks, IPersonDevices
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
            if (await ReadAsync(id, ct) is { } link)
            {
                found[id] = link;
            }
        });
        return new Dictionary<string, IdentityLink>(found, StringComparer.Ordinal);
    }

    private static ParallelOptions Lookups(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };

    public async Task<IReadOnlyDictionary<string, IdentityLink>> AddAsync(IReadOnlyCollection<IdentityLink> links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        var storedFirst = new ConcurrentDictionary<string, IdentityLink>(StringComparer.Ordinal);
        var unknown = new List<IdentityLink>();
        foreach (var link in links)
        {
            if (_known.TryGetValue(link.AnonymousId, out var cached))
            {
                storedFirst[link.AnonymousId] = cached;
            }
            else
            {
                unknown.Add(link);
            }
        }
        await Parallel.ForEachAsync(unknown, Lookups(cancellationToken), async (link, ct) =>
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
                Remember(link);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Another batch linked this device first; the first link wins.
                if (await ReadAsync(link.AnonymousId, ct) is { } first)
                {
                    storedFirst[link.AnonymousId] = first;
                }
            }
        });
        return new Dictionary<string, IdentityLink>(storedFirst, StringComparer.Ordinal);
    }

    private async Task<IdentityLink?> ReadAsync(string anonymousId, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(anonymousId);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(HashedKey.PartitionOf(hash), hash, cancellationToken: cancellationToken);
        if (row.HasValue && row.Value!.GetString("UserId") is { } userId && row.Value.GetDateTimeOffset("LinkedAt") is { } linkedAt)
        {
            var link = new IdentityLink(anonymousId, userId, linkedAt);
            Remember(link);
            return link;
        }
        return null;
    }

    /// <summary>Links never change once written, so a stored one is kept for the life of the process (bounded).</summary>
    private void Remember(IdentityLink link)
    {
        if (_known.Count >= MaxCachedLinks)
        {
            _known.Clear();
        }
        _known[link.AnonymousId] = link;
    }

    public async Task<string?> UserOfAsync(string anonymousId, CancellationToken cancellationToken) =>
        (await FindAsync([anonymousId], cancellationToken)).GetValueOrDefault(anonymousId)?.UserId;

    /// <summary>A scan of the table filtered on UserId: rare (one per erasure request), so no index is kept for it.</summary>
    public async Task<IReadOnlyList<string>> DevicesOfAsync(string userId, CancellationToken cancellationToken)
    {
        var devices = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"UserId eq {userId}"), select: ["AnonymousId"], cancellationToken: cancellationToken))
        {
            if (row.GetString("AnonymousId") is { } device)
            {
                devices.Add(device);
            }
        }
        return devices;
    }

    public async Task<int> ForgetAsync(IReadOnlyCollection<string> digests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digests);
        // The row key is the same SHA-256 digest the erasure log keeps.
        var forgotten = 0;
        foreach (var digest in digests)
        {
            var response = await _table.DeleteEntityAsync(HashedKey.PartitionOf(digest), digest, ETag.All, cancellationToken);
            forgotten += response.Status == 204 ? 1 : 0;
        }
        _known.Clear();
        return forgotten;
    }
}
