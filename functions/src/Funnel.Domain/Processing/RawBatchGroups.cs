namespace Funnel.Domain.Processing;

/// <summary>A batch ready for raw storage: its events by shard, under its processing day.</summary>
public sealed record PreparedBatch(string BatchId, DateOnly Day, IReadOnlyList<ShardEvents> Shards);

/// <summary>
/// Group commit for the <c>raw</c> container. Batches handed in while a group is being written wait and go
/// together: one blob per shard for the whole group (<c>{day}/shard-nn/g{id}.ndjson.gz</c>) instead of one per
/// batch and shard, so storage calls per event fall with the backlog. The group's batch ids are claimed first
/// (<see cref="IRawBatchClaims"/>); a batch claimed before keeps only the shards whose blob its earlier groups
/// did not write, so a batch that comes again is stored once, even after a crash half-way through a group.
/// </summary>
public sealed class RawBatchGroups(IRawEventStore raw, IRawBatchClaims claims)
{
    /// <summary>At most this many batches share a group (one claims transaction takes 100).</summary>
    public const int MaxBatchesPerGroup = 64;

    /// <summary>Groups written at once: while one is written, the next batches gather (more writers make smaller groups).</summary>
    private const int Writers = 1;

    private readonly Lock _gate = new();
    private readonly List<Waiting> _waiting = [];
    private int _writing;

    /// <summary>Stores the batch with whatever batches come meanwhile; returns how many of its events were written now (0 when stored before).</summary>
    public Task<int> StoreAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var waiting = new Waiting(batch, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startWriter;
        lock (_gate)
        {
            _waiting.Add(waiting);
            startWriter = _writing < Writers;
            if (startWriter)
            {
                _writing++;
            }
        }
        if (startWriter)
        {
            _ = Task.Run(WriteWhileWaitingAsync, CancellationToken.None);
        }
        return waiting.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteWhileWaitingAsync()
    {
        while (true)
        {
            List<Waiting> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _writing--;
                    return;
                }
                var day = _waiting[0].Batch.Day;
                group = _waiting.Where(w => w.Batch.Day == day).Take(MaxBatchesPerGroup).ToList();
                _waiting.RemoveAll(group.Contains);
            }
            try
            {
                var written = await WriteGroupAsync(group);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.TrySetResult(written[i]);
                }
            }
            catch (Exception ex)
            {
                // Every batch of the group fails and comes again; its claim then tells which shards were written.
                group.ForEach(w => w.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>
    /// Runs without the callers' cancellation: a group serves several callers, and storage's own timeout bounds it.
    /// </summary>
    private async Task<int[]> WriteGroupAsync(List<Waiting> group)
    {
        var day = group[0].Batch.Day;
        var name = "g" + Guid.NewGuid().ToString("N");
        var batches = group.Select(w => w.Batch).DistinctBy(b => b.BatchId, StringComparer.Ordinal)
            .Select(b => new RawBatchClaim(b.BatchId, b.Shards.Select(s => s.Shard).ToList())).ToList();
        var earlier = await claims.ClaimAsync(day, name, batches, CancellationToken.None);
        var written = new int[group.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        for (var i = 0; i < group.Count; i++)
        {
            var batch = group[i].Batch;
            if (!seen.Add(batch.BatchId))
            {
                continue; // The same batch twice in one group (a re-send arriving with the original): written once.
            }
            var shards = earlier.TryGetValue(batch.BatchId, out var claim) ? await NotYetWrittenAsync(day, batch.Shards, claim) : batch.Shards;
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
        await Task.WhenAll(byShard.Select(pair => raw.WriteAsync(new RawBlobName(day, pair.Key, name), ShardSlices.GzipNdjson(pair.Value), CancellationToken.None)));
        return written;
    }

    /// <summary>
    /// The shards of a batch claimed before that still need writing: none when every shard its first claim named has a
    /// blob in one of its groups (a blob is written whole or not at all), even if its events would now go elsewhere (a
    /// device linked meanwhile); otherwise those without one.
    /// </summary>
    private async Task<IReadOnlyList<ShardEvents>> NotYetWrittenAsync(DateOnly day, IReadOnlyList<ShardEvents> shards, EarlierClaim claim)
    {
        var written = new HashSet<int>();
        foreach (var shard in claim.Shards.Union(shards.Select(s => s.Shard)))
        {
            foreach (var group in claim.Groups)
            {
                if (await raw.ExistsAsync(new RawBlobName(day, shard, group), CancellationToken.None))
                {
                    written.Add(shard);
                    break;
                }
            }
        }
        return claim.Shards.All(written.Contains) ? [] : shards.Where(s => !written.Contains(s.Shard)).ToList();
    }

    private sealed record Waiting(PreparedBatch Batch, TaskCompletionSource<int> Done);
}
