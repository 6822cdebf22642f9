using Funnel.Events.Ingest;

namespace Funnel.Engine.Processing;

/// <summary>A batch ready for raw storage: its events by shard, under its processing day.</summary>
public sealed record PreparedBatch(string BatchId, DateOnly Day, IReadOnlyList<ShardEvents> Shards)
{
    /// <summary>The batch's <see cref="BatchContent.Fingerprint"/>, or null when unknown.</summary>
    public string? Content { get; init; }
}

/// <summary>
/// Group commit for the <c>raw</c> container. Batches handed in while a group is being written wait and go
/// together: one blob per shard for the whole group (<c>{day}/shard-nn/g{id}.ndjson.gz</c>) instead of one per
/// batch and shard, so storage calls per event fall with the backlog. The group's batch ids are claimed first
/// (<see cref="IRawBatchClaims"/>); a batch claimed before keeps only the shards whose blob its earlier groups
/// did not write, so a batch that comes again is stored once, even after a crash half-way through a group.
/// </summary>
public sealed class RawBatchGroups
{
    /// <summary>At most this many batches share a group (one claims transaction takes 100).</summary>
    public const int MaxBatchesPerGroup = 64;

    private readonly GroupCommit<PreparedBatch, int> _groups;
    private readonly IRawEventStore _raw;
    private readonly IRawBatchClaims _claims;
    private readonly IIngestRefusalCounters? _counters;

    /// <summary>Events whose batch id comes again with other content are counted in <paramref name="counters"/> under <see cref="IngestRefusalReasons.ReusedMessageIds"/>.</summary>
    public RawBatchGroups(IRawEventStore raw, IRawBatchClaims claims, IIngestRefusalCounters? counters = null)
    {
        _raw = raw;
        _claims = claims;
        _counters = counters;
        // A group's blobs sit under one processing day.
        _groups = new GroupCommit<PreparedBatch, int>(WriteGroupAsync, (first, other) => first.Day == other.Day, MaxBatchesPerGroup);
    }

    /// <summary>Stores the batch with whatever batches come meanwhile; returns how many of its events were written now (0 when stored before).</summary>
    public Task<int> StoreAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _groups.AddAsync(batch, cancellationToken);
    }

    /// <summary>Storage's own timeout bounds it (see <see cref="GroupCommit{TItem, TResult}"/>).</summary>
    private async Task<IReadOnlyList<int>> WriteGroupAsync(IReadOnlyList<PreparedBatch> group)
    {
        var day = group[0].Day;
        var name = "g" + Guid.NewGuid().ToString("N");
        var batches = group.DistinctBy(b => b.BatchId, StringComparer.Ordinal)
            .Select(b => new RawBatchClaim(b.BatchId, b.Shards.Select(s => s.Shard).ToList()) { Content = b.Content }).ToList();
        var earlier = await _claims.ClaimAsync(day, name, batches, CancellationToken.None);
        var written = new int[group.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        long reused = 0;
        for (var i = 0; i < group.Count; i++)
        {
            var batch = group[i];
            if (!seen.Add(batch.BatchId))
            {
                continue; // The same batch twice in one group (a re-send arriving with the original): written once.
            }
            var earlierClaim = earlier.GetValueOrDefault(batch.BatchId);
            if (earlierClaim is { Content: { } before } && batch.Content is { } now && before != now)
            {
                // Same message ids, other events: the first copy stands, the rest is counted so the client's bug shows.
                reused += batch.Shards.Sum(s => s.Events.Count);
                continue;
            }
            var shards = earlierClaim is { } claim ? await NotYetWrittenAsync(day, batch.Shards, claim) : batch.Shards;
            foreach (var shard in shards)
            {
                if (!byShard.TryGetValue(shard.Shard, out var lines))
                {
                    byShard[shard.Shard] = lines = [];
                }
                lines.AddRange(shard.Events);
                written[i] += shard.Events.Count;
            }
        }
        if (reused > 0 && _counters is not null)
        {
            await _counters.AddAsync(day, IngestRefusalReasons.ReusedMessageIds, reused, CancellationToken.None);
        }
        await Task.WhenAll(byShard.Select(pair => _raw.WriteAsync(new RawBlobName(day, pair.Key, name), ShardSlices.GzipNdjson(pair.Value), CancellationToken.None)));
        return written;
    }

    /// <summary>
    /// The shards of a batch claimed before that still need writing: none when every shard its first claim named has a
    /// blob in one of its groups (a blob is written whole or not at all); otherwise those without one.
    /// </summary>
    private async Task<IReadOnlyList<ShardEvents>> NotYetWrittenAsync(DateOnly day, IReadOnlyList<ShardEvents> shards, EarlierClaim claim)
    {
        var written = new HashSet<int>();
        foreach (var shard in claim.Shards.Union(shards.Select(s => s.Shard)))
        {
            foreach (var group in claim.Groups)
            {
                if (await _raw.ExistsAsync(new RawBlobName(day, shard, group), CancellationToken.None))
                {
                    written.Add(shard);
                    break;
                }
            }
        }
        return claim.Shards.All(written.Contains) ? [] : shards.Where(s => !written.Contains(s.Shard)).ToList();
    }
}
