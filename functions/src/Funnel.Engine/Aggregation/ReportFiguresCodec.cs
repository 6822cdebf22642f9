using System.IO.Compression;
using System.Text.Json;

using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// A shard's partial figures as stored between the fan-out and the fan-in: <c>FNLP</c>, a version byte,
/// then Brotli-compressed JSON. Sorted keys and a fixed compression level make the bytes a pure function
/// of the figures, so a re-run writes the same blob.
/// </summary>
public static class ReportFiguresCodec
{
    private static ReadOnlySpan<byte> Magic => "FNLP"u8;

    /// <summary>4: the campaigns' figures.</summary>
    public const byte CurrentVersion = 4;

    public static void Write(ReportFigures figures, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Magic);
        output.WriteByte(CurrentVersion);
        using var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true);
        JsonSerializer.Serialize(brotli, figures);
    }

    /// <summary>Reads partial figures; throws <see cref="SnapshotFormatException"/> naming <paramref name="source"/> when they are not ours or damaged.</summary>
    public static ReportFigures Read(Stream input, string source)
    {
        ArgumentNullException.ThrowIfNull(input);
        Span<byte> header = stackalloc byte[5];
        if (input.ReadAtLeast(header, 5, throwOnEndOfStream: false) != 5 || !header[..4].SequenceEqual(Magic))
        {
            throw new SnapshotFormatException(source, "not a partial-figures file (no FNLP header)");
        }
        if (header[4] != CurrentVersion)
        {
            throw new SnapshotFormatException(source, $"partial-figures version {header[4]}; this engine reads version {CurrentVersion}: run the day again");
        }
        try
        {
            using var brotli = new BrotliStream(input, CompressionMode.Decompress, leaveOpen: true);
            return JsonSerializer.Deserialize<ReportFigures>(brotli) ?? throw new SnapshotFormatException(source, "holds no figures");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException)
        {
            throw new SnapshotFormatException(source, $"damaged: {ex.Message}", ex);
        }
    }
}
