using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Identity;

/// <summary>
/// Links devices to users in the daily run, in two steps over every shard's raw events of the day: first the links
/// the day's calls carry (an identify or alias with both ids) are stored; then each shard's events of a device seen
/// only anonymously move to the device's user when the link was received no later than the event
/// (<see cref="DeviceMoves"/>). ProcessEvents does no identity I/O: one table call per device was most of its cost.
/// </summary>
public static class DeviceLinks
{
    /// <summary>The first link per device that the lines carry.</summary>
    public static IReadOnlyList<IdentityLink> Carried(IEnumerable<ReadOnlyMemory<byte>> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var first = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var ids = PersonKey.Read(line.Span);
            if (ids is { UserId: { } userId, AnonymousId: { } device } && ReceivedAt(line.Span) is { } receivedAt)
            {
                var link = new IdentityLink(device, userId, receivedAt);
                first[device] = first.TryGetValue(device, out var known) ? IdentityLink.First(known, link) : link;
            }
        }
        return [.. first.Values];
    }

    /// <summary>The devices seen only anonymously in the lines: the ones whose links the second step looks up.</summary>
    public static IReadOnlyCollection<string> AnonymousDevices(IEnumerable<ReadOnlyMemory<byte>> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var devices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (PersonKey.Read(line.Span) is { IsAnonymousOnly: true, AnonymousId: { } device })
            {
                devices.Add(device);
            }
        }
        return devices;
    }

    /// <summary>Moves the lines of linked devices to their users: each moved line names its person (<c>personKey</c>).</summary>
    public static DeviceMoves Route(IEnumerable<ReadOnlyMemory<byte>> lines, IReadOnlyDictionary<string, IdentityLink> links)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(links);
        var moved = new List<ReadOnlyMemory<byte>>();
        var used = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (PersonKey.Read(line.Span) is { IsAnonymousOnly: true, AnonymousId: { } device }
                && links.TryGetValue(device, out var link)
                && ReceivedAt(line.Span) is { } receivedAt
                && link.LinkedAt <= receivedAt)
            {
                moved.Add(WithPersonKey(line, link.UserId));
                used[device] = link;
            }
        }
        return new DeviceMoves(used, moved);
    }

    /// <summary>The lines of gzip NDJSON slices, without their newlines (blank lines left out).</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Lines(IEnumerable<byte[]> gzipSlices)
    {
        ArgumentNullException.ThrowIfNull(gzipSlices);
        foreach (var slice in gzipSlices)
        {
            byte[] content;
            try
            {
                using var input = new GZipStream(new MemoryStream(slice), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                content = output.ToArray();
            }
            catch (InvalidDataException)
            {
                // The fold names and counts an unreadable slice; linking has nothing to take from it.
                continue;
            }
            foreach (var line in PlainLines(content))
            {
                yield return line;
            }
        }
    }

    /// <summary>The lines of uncompressed NDJSON, without their newlines (blank lines left out).</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> PlainLines(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = 0;
        while (start < content.Length)
        {
            var end = Array.IndexOf(content, (byte)'\n', start);
            end = end < 0 ? content.Length : end;
            var line = content.AsMemory(start, end - start);
            start = end + 1;
            if (!line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                yield return line;
            }
        }
    }

    /// <summary>The event with <c>personKey</c> added as its first property.</summary>
    public static ReadOnlyMemory<byte> WithPersonKey(ReadOnlyMemory<byte> e, string personKey)
    {
        var prefix = Encoding.UTF8.GetBytes("{\"personKey\":" + JsonSerializer.Serialize(personKey) + ",");
        var body = e.Span.TrimStart(" \t\r\n"u8)[1..].TrimStart(" \t\r\n"u8);
        if (body.Length > 0 && body[0] == (byte)'}')
        {
            prefix[^1] = (byte)'}';
            return prefix;
        }
        var result = new byte[prefix.Length + body.Length];
        prefix.CopyTo(result, 0);
        body.CopyTo(result.AsSpan(prefix.Length));
        return result;
    }

    private static DateTimeOffset? ReceivedAt(ReadOnlySpan<byte> line) =>
        ProductEventReader.TryParse(line, out var e, out _, keepProperties: false) ? DateTimeOffset.FromUnixTimeMilliseconds(e.ReceivedAt) : null;
}
