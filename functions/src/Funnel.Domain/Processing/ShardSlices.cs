using System.IO.Compression;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Processing;

/// <summary>One shard's part of a batch, as gzip NDJSON (one event per line).</summary>
public sealed record ShardSlice(int Shard, int EventCount, byte[] GzipNdjson);

/// <summary>Splits a batch's events by user shard.</summary>
public static class ShardSlices
{
    public static IReadOnlyList<ShardSlice> Of(RawEventBatch batch, ShardRouter router)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(router);
        var byShard = new SortedDictionary<int, List<ReadOnlyMemory<byte>>>();
        foreach (var e in batch.Events)
        {
            string key;
            using (var document = JsonDocument.Parse(e))
            {
                key = PersonKey.Of(document.RootElement)
                    ?? throw new FormatException($"an event of batch {batch.BatchId} has neither userId nor anonymousId");
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
