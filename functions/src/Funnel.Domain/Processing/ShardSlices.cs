using System.IO.Compression;
using Funnel.Domain.Events;

namespace Funnel.Domain.Processing;

/// <summary>One shard's events of a batch, each one NDJSON line (without its newline).</summary>
public sealed record ShardEvents(int Shard, IReadOnlyList<ReadOnlyMemory<byte>> Events);

/// <summary>Splits a batch's events by user shard.</summary>
public static class ShardSlices
{
    /// <summary>Splits by each event's person (<paramref name="persons"/>, in event order); an event linked to a user carries <c>personKey</c>.</summary>
    public static IReadOnlyList<ShardEvents> Of(RawEventBatch batch, IReadOnlyList<ResolvedPerson> persons, ShardRouter router)
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
