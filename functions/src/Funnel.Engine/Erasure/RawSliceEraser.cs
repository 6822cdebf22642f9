using System.IO.Compression;
using Funnel.Events.Privacy;

namespace Funnel.Engine.Erasure;

/// <summary>What leaving erased persons out of one stored file did: the new content (null when nothing matched) and, per request, the lines removed.</summary>
public sealed record FileErasure(byte[]? Rewritten, IReadOnlyDictionary<string, int> RemovedByRequest)
{
    public static FileErasure Unchanged { get; } = new(null, new Dictionary<string, int>());
}

/// <summary>
/// Rewrites a raw slice (gzip NDJSON) without the erased persons' events. Every other line is kept
/// byte for byte and in order; only the compression is redone.
/// </summary>
public static class RawSliceEraser
{
    public static FileErasure Erase(byte[] gzipNdjson, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(gzipNdjson);
        ArgumentNullException.ThrowIfNull(erased);
        var text = Gunzip(gzipNdjson);
        var removed = new Dictionary<string, int>(StringComparer.Ordinal);
        using var kept = new MemoryStream(text.Length);
        var start = 0;
        while (start < text.Length)
        {
            var end = Array.IndexOf(text, (byte)'\n', start);
            var lineEnd = end < 0 ? text.Length : end + 1;
            var line = text.AsSpan(start, (end < 0 ? text.Length : end) - start);
            var requests = ErasedEvents.RequestsOf(line, erased);
            if (requests.Count == 0)
            {
                kept.Write(text, start, lineEnd - start);
            }
            foreach (var request in requests)
            {
                removed[request] = removed.GetValueOrDefault(request) + 1;
            }
            start = lineEnd;
        }
        return removed.Count == 0 ? FileErasure.Unchanged : new FileErasure(Gzip(kept.ToArray()), removed);
    }

    internal static byte[] Gunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    internal static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }
        return output.ToArray();
    }
}
