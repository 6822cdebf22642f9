using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Funnel.Engine.Identity;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;

namespace Funnel.Storage.Keys;

/// <summary>
/// The <c>IdentityLinks</c> table: PK the first two hex characters of SHA-256(anonymousId), RK the
/// whole hash (anonymous ids may hold characters row keys refuse). Written by the daily run's link steps (the run
/// itself keeps links in each shard's state) and read by erasure: a user's devices, a device's user.
/// </summary>
public sealed class TableIdentityLinks(TableServiceClient tables) : IIdentityLinks, IPersonDevices
{
    private readonly TableClient _table = tables.GetTableClient(StorageNames.IdentityLinksTable);

    /// <summary>Point reads, 16 at a time: a shard's day has one per device seen only anonymously.</summary>
    public async Task<IReadOnlyDictionary<string, IdentityLink>> FindAsync(IReadOnlyCollection<string> anonymousIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anonymousIds);
        var found = new ConcurrentDictionary<string, IdentityLink>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(anonymousIds, Lookups(cancellationToken), async (id, ct) =>
        {
            if (await ReadAsync(id, ct) is { } link)
            {
                found[id] = link;
            }
        });
        return new Dictionary<string, IdentityLink>(found, StringComparer.Ordinal);
    }

    private static ParallelOptions Lookups(CancellationToken cancellationToken) => new() { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };

    /// <summary>
    /// Writes the links as upserts, one entity-group transaction per partition and hundred rows, partitions 16 at a time.
    /// Only a device's own shard links it, once (a re-run makes the same link, a history import at most an earlier one
    /// that replaces it), so the last write is the decision and no read is needed.
    /// </summary>
    public async Task AddAsync(IReadOnlyCollection<IdentityLink> links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(links);
        var transactions = links.DistinctBy(l => l.AnonymousId, StringComparer.Ordinal).Select(Row)
            .GroupBy(row => row.PartitionKey, StringComparer.Ordinal)
            .SelectMany(partition => partition.Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(transactions, Lookups(cancellationToken), async (rows, ct) =>
            await _table.SubmitTransactionAsync(rows.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)), ct));
    }

    private static TableEntity Row(IdentityLink link)
    {
        var hash = HashedKey.Of(link.AnonymousId);
        return new TableEntity(HashedKey.PartitionOf(hash), hash)
        {
            ["AnonymousId"] = link.AnonymousId,
            ["UserId"] = link.UserId,
            ["LinkedAt"] = link.LinkedAt,
        };
    }

    private async Task<IdentityLink?> ReadAsync(string anonymousId, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(anonymousId);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(HashedKey.PartitionOf(hash), hash, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("UserId") is { } userId && row.Value.GetDateTimeOffset("LinkedAt") is { } linkedAt
            ? new IdentityLink(anonymousId, userId, linkedAt)
            : null;
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
        return forgotten;
    }
}
