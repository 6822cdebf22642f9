using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Funnel.Domain.Ingest;

namespace Funnel.Storage.Keys;

/// <summary>
/// Write keys from configuration (compared by hash in constant time) and from the <c>WriteKeys</c>
/// table (PK hash prefix, RK hash). Answers are cached briefly so ingest does not hit the table per request.
/// </summary>
public sealed class TableWriteKeyDirectory : IWriteKeyDirectory
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int MaxCachedKeys = 10_000;
    private readonly TableClient _table;
    private readonly byte[][] _configuredHashes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (bool Known, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public TableWriteKeyDirectory(TableServiceClient tables, IEnumerable<string> configuredKeys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(StorageNames.WriteKeysTable);
        _configuredHashes = configuredKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Encoding.ASCII.GetBytes(HashedKey.Of(k))).ToArray();
        _time = time;
    }

    public async Task<bool> IsKnownAsync(string writeKey, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(writeKey);
        var hashBytes = Encoding.ASCII.GetBytes(hash);
        var configured = false;
        foreach (var known in _configuredHashes)
        {
            configured |= CryptographicOperations.FixedTimeEquals(known, hashBytes);
        }
        if (configured)
        {
            return true;
        }
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Known;
        }
        bool inTable;
        try
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(HashedKey.PartitionOf(hash), hash, cancellationToken: cancellationToken);
            inTable = row.HasValue && !(row.Value!.GetBoolean("Revoked") ?? false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            inTable = false;
        }
        // Unknown keys are cached too, so a flood of made-up keys must not grow the cache without bound.
        if (_cache.Count >= MaxCachedKeys)
        {
            _cache.Clear();
        }
        _cache[hash] = (inTable, now + CacheFor);
        return inTable;
    }

    /// <summary>Stores a new key's hash (the key itself is never stored).</summary>
    public async Task AddAsync(string writeKey, string label, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(writeKey);
        var entity = new TableEntity(HashedKey.PartitionOf(hash), hash) { ["Label"] = label, ["Revoked"] = false };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _cache.TryRemove(hash, out _);
    }
}
