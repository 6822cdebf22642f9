using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Funnel.Events.Ingest;
using Funnel.Reports;

namespace Funnel.Storage.Keys;

/// <summary>
/// API keys of one kind (write keys for ingest, read keys for the reports API): from configuration
/// (compared by hash in constant time) and from a table (PK hash prefix, RK hash, never the key).
/// Answers are cached briefly so a request does not hit the table. One instance serves one table.
/// </summary>
public sealed class TableKeyDirectory : IWriteKeyDirectory, IReadKeyDirectory
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private const int MaxCachedKeys = 10_000;
    private readonly TableClient _table;
    private readonly byte[][] _configuredHashes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (bool Known, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public TableKeyDirectory(TableServiceClient tables, string tableName, IEnumerable<string> configuredKeys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _table = tables.GetTableClient(tableName);
        _configuredHashes = configuredKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => Encoding.ASCII.GetBytes(HashedKey.Of(k))).ToArray();
        _time = time;
    }

    public async Task<bool> IsKnownAsync(string key, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(key);
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

    /// <summary>Stores a new key's hash (the key itself is never stored); returns the key's id, the start of its hash.</summary>
    public async Task<string> AddAsync(string key, string label, CancellationToken cancellationToken)
    {
        var hash = HashedKey.Of(key);
        var entity = new TableEntity(HashedKey.PartitionOf(hash), hash) { ["Label"] = label, ["Revoked"] = false };
        await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        _cache.TryRemove(hash, out _);
        return IdOf(hash);
    }

    /// <summary>Revokes the stored key whose id (or whole key) is given; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string idOrKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrKey);
        var hash = idOrKey.Length == IdLength ? null : HashedKey.Of(idOrKey);
        var id = hash is null ? idOrKey.ToLowerInvariant() : IdOf(hash);
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == HashedKey.PartitionOf(id), cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(id, StringComparison.Ordinal) && (hash is null || row.RowKey == hash))
            {
                row["Revoked"] = true;
                await _table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
                _cache.Clear();
                return true;
            }
        }
        return false;
    }

    private const int IdLength = 12;

    private static string IdOf(string hash) => hash[..IdLength];
}
