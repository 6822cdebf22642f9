using System.IO.Compression;
using Funnel.Domain.Events;

namespace Funnel.Domain.Processing;

/// <summary>One shard's part of a batch, as gzip NDJSON (one event per line).</summary>
public sealed record ShardSlice(int Shard, int EventCount, byte[] GzipNdjson);

/// <summary>Splits a batch's events by user shard.</summary>
public static class ShardSlices
{
    /// <summary>Splits by each event's person (<paramref name="persons"/>, in event order); an event linked to a user carries <c>personKey</c>.</summary>
    public static IReadOnlyList<ShardSlice> Of(RawEventBatch batch, IReadOnlyList<ResolvedPerson> persons, ShardRouter router)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(persons);
        ArgumentNullException.ThrowIfNull(router);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var (key, linked) = persons[i];
            var e = linked ? PersonResolver.WithPersonKey(batch.Events[i], key) : batch.Events[i];
            var shard = router.ShardOf(key);
            if (!byShard.TryGetValue(shard, out var list))
            {
                byShard[shard] = list = [];
            }
            list.Add(e);
        }
        return byShard.Select(pair => new ShardSlice(pair.Key, pair.Value.Count, Compress(pair.Value))).ToList();
    }

    private static byte[] Compress(List<ReadOnlyMemory<byte>> events)
    {
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
