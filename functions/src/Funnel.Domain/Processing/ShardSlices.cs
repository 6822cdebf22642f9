using System.IO.Compression;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Processing;

/// <summary>One shard's part of a batch, as gzip NDJSON (one event per line).</summary>
public sealed record ShardSlice(int Shard, int EventCount, byte[] GzipNdjson);

/// <summary>Splits a batch's events by user shard.</summary>
public static class ShardSlices
{
    /// <summary>Splits by each event's person (<paramref name="personKeys"/>, in event order); an event whose person is not its own ids' carries <c>personKey</c>.</summary>
    public static IReadOnlyList<ShardSlice> Of(RawEventBatch batch, IReadOnlyList<string> personKeys, ShardRouter router)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(personKeys);
        ArgumentNullException.ThrowIfNull(router);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var e = batch.Events[i];
            var key = personKeys[i];
            using (var document = JsonDocument.Parse(e))
            {
                if (PersonKey.Of(document.RootElement) != key)
                {
                    e = PersonResolver.WithPersonKey(e, key);
                }
            }
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
