using System.IO.Compression;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Identity;

/// <summary>
/// One shard's events of the day that moved to their devices' users (each naming its person), and the links that
/// moved them: the shard's own fold leaves those events out, the users' shards fold the moved copies.
/// </summary>
public sealed record DeviceMoves(IReadOnlyDictionary<string, IdentityLink> Links, IReadOnlyList<ReadOnlyMemory<byte>> Moved)
{
    public static DeviceMoves None { get; } = new(new Dictionary<string, IdentityLink>(), []);

    /// <summary>True for an event of this shard's raw events that moved to its device's user.</summary>
    public bool MovedAway(ProductEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.AnonymousOnly && Links.TryGetValue(e.PersonKey, out var link) && link.LinkedAt.ToUnixTimeMilliseconds() <= e.ReceivedAt;
    }

    /// <summary>Gzip NDJSON: a first line with the links (<c>{"links":[[device, user, linkedAt ms], …]}</c>), then the moved events.</summary>
    public byte[] ToGzip()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            using (var writer = new Utf8JsonWriter(gzip))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("links");
                foreach (var link in Links.Values.OrderBy(l => l.AnonymousId, StringComparer.Ordinal))
                {
                    writer.WriteStartArray();
                    writer.WriteStringValue(link.AnonymousId);
                    writer.WriteStringValue(link.UserId);
                    writer.WriteNumberValue(link.LinkedAt.ToUnixTimeMilliseconds());
                    writer.WriteEndArray();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            gzip.WriteByte((byte)'\n');
            foreach (var line in Moved)
            {
                gzip.Write(line.Span);
                gzip.WriteByte((byte)'\n');
            }
        }
        return output.ToArray();
    }

    /// <summary>Reads what <see cref="ToGzip"/> wrote; throws <see cref="FormatException"/> naming <paramref name="source"/>.</summary>
    public static DeviceMoves FromGzip(byte[] gzip, string source)
    {
        var lines = DeviceLinks.Lines([gzip]).ToList();
        if (lines.Count == 0)
        {
            throw new FormatException($"{source} is not a device moves file (empty or not gzip)");
        }
        var links = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        try
        {
            using var header = JsonDocument.Parse(lines[0]);
            foreach (var link in header.RootElement.GetProperty("links").EnumerateArray())
            {
                var device = link[0].GetString()!;
                links[device] = new IdentityLink(device, link[1].GetString()!, DateTimeOffset.FromUnixTimeMilliseconds(link[2].GetInt64()));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new FormatException($"{source} has no readable links line: {ex.Message}", ex);
        }
        return new DeviceMoves(links, lines[1..]);
    }
}
