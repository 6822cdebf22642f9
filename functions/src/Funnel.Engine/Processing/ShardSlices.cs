using System.IO.Compression;
using Funnel.Events;

namespace Funnel.Engine.Processing;

/// <summary>One shard's events of a batch, each one NDJSON line (without its newline).</summary>
public sealed record ShardEvents(int Shard, IReadOnlyList<ReadOnlyMemory<byte>> Events);

/// <summary>Splits a batch's events by user shard.</summary>
public static class ShardSlices
{
    /// <summary>
    /// Splits by <see cref="EventIds.StoredUnder"/>: an event that names a device goes to the device's shard, even when
    /// it names a user too, so the shard that holds a device's events also holds every link it takes part in.
    /// </summary>
    public static IReadOnlyList<ShardEvents> Of(RawEventBatch batch, ShardRouter router)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(router);
        return Of(batch.Events, e => PersonKey.Read(e.Span).StoredUnder
            ?? throw new FormatException($"an event of batch {batch.BatchId} has neither userId nor anonymousId"), router);
    }

    /// <summary>Splits events by the shard of the person <paramref name="personOf"/> gives, keeping their order within each shard.</summary>
    public static IReadOnlyList<ShardEvents> Of(IEnumerable<ReadOnlyMemory<byte>> events, Func<ReadOnlyMemory<byte>, string> personOf, ShardRouter router)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(personOf);
        ArgumentNullException.ThrowIfNull(router);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        foreach (var e in events)
        {
            var shard = router.ShardOf(personOf(e));
            if (!byShard.TryGetValue(shard, out var list))
            {
                byShard[shard] = list = [];
            }
            list.Add(e);
        }
        return byShard.Select(pair => new ShardEvents(pair.Key, pair.Value)).ToList();
    }

    /// <summary>The events as one gzip NDJSON slice, in order.</summary>
    public static byte[] GzipNdjson(IEnumerable<ReadOnlyMemory<byte>> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var e in events)
            {
                gzip.Write(e.Span);
                gzip.WriteByte((byte)'\n');
            }
        }
        return output.ToArray();
    }
}
