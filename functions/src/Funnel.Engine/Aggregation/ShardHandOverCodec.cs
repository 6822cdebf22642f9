using System.IO.Compression;
using System.Text;
using Funnel.Events;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// The binary form of a <see cref="ShardHandOver"/>: "FNLH", a version byte, then a gzip payload. Events travel parsed,
/// so a raw line's JSON is read once a day, by the shard that stores it.
/// </summary>
public static class ShardHandOverCodec
{
    /// <summary>3: a joining device's state ends with its campaign touches, and an event with its campaign.</summary>
    public const byte CurrentVersion = 3;
    private static readonly byte[] Magic = "FNLH"u8.ToArray();

    public static byte[] Write(ShardHandOver handOver, int stepSlots)
    {
        ArgumentNullException.ThrowIfNull(handOver);
        using var output = new MemoryStream();
        output.Write(Magic);
        output.WriteByte(CurrentVersion);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(gzip, Encoding.UTF8))
        {
            writer.Write7BitEncodedInt(stepSlots);
            writer.Write7BitEncodedInt64(handOver.Malformed);
            writer.Write7BitEncodedInt((handOver.RawSlices ?? -1) + 1);
            writer.Write7BitEncodedInt(handOver.NewLinks.Count);
            foreach (var (device, user) in handOver.NewLinks.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                writer.Write(device);
                writer.Write(user);
            }
            writer.Write7BitEncodedInt(handOver.DepartedDevices.Count);
            foreach (var device in handOver.DepartedDevices)
            {
                writer.Write(device);
            }
            writer.Write7BitEncodedInt(handOver.JoiningDevices.Count);
            foreach (var joining in handOver.JoiningDevices)
            {
                writer.Write(joining.User);
                writer.Write(joining.Device);
                StateSnapshot.WritePerson(writer, joining.State);
            }
            writer.Write7BitEncodedInt(handOver.Events.Count);
            foreach (var e in handOver.Events)
            {
                WriteEvent(writer, e);
            }
        }
        return output.ToArray();
    }

    /// <summary>Reads what <see cref="Write"/> wrote; throws <see cref="SnapshotFormatException"/> naming <paramref name="source"/>.</summary>
    public static ShardHandOver Read(byte[] content, int stepSlots, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length < 5 || !content.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new SnapshotFormatException(source, "not a shard hand-over (bad magic bytes)");
        }
        if (content[4] != CurrentVersion)
        {
            throw new SnapshotFormatException(source, $"hand-over version {content[4]}; this engine reads version {CurrentVersion}: run the day again");
        }
        try
        {
            using var gzip = new GZipStream(new MemoryStream(content, 5, content.Length - 5), CompressionMode.Decompress);
            using var reader = new BinaryReader(gzip, Encoding.UTF8);
            var slots = reader.Read7BitEncodedInt();
            if (slots != stepSlots)
            {
                throw new SnapshotFormatException(source, $"written for {slots} funnel steps, the definitions have {stepSlots}: run the day again");
            }
            var handOver = new ShardHandOver { Malformed = reader.Read7BitEncodedInt64() };
            var rawSlices = reader.Read7BitEncodedInt() - 1;
            handOver.RawSlices = rawSlices < 0 ? null : rawSlices;
            for (var i = reader.Read7BitEncodedInt(); i > 0; i--)
            {
                var device = reader.ReadString();
                handOver.NewLinks[device] = reader.ReadString();
            }
            for (var i = reader.Read7BitEncodedInt(); i > 0; i--)
            {
                handOver.DepartedDevices.Add(reader.ReadString());
            }
            for (var i = reader.Read7BitEncodedInt(); i > 0; i--)
            {
                var user = reader.ReadString();
                var device = reader.ReadString();
                handOver.JoiningDevices.Add(new JoiningDevice(user, device, StateSnapshot.ReadPerson(reader, slots)));
            }
            var events = reader.Read7BitEncodedInt();
            if (events < 0)
            {
                throw new FormatException($"a negative event count ({events})");
            }
            handOver.Events.Capacity = events;
            for (var i = 0; i < events; i++)
            {
                handOver.Events.Add(ReadEvent(reader));
            }
            return handOver;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or IOException)
        {
            throw new SnapshotFormatException(source, $"corrupt hand-over ({ex.Message})", ex);
        }
    }

    private static void WriteEvent(BinaryWriter writer, ProductEvent e)
    {
        writer.Write(e.MessageId);
        writer.Write(e.PersonKey);
        writer.Write((byte)e.Type);
        StateSnapshot.WriteText(writer, e.Name);
        writer.Write(e.Timestamp);
        writer.Write(e.ReceivedAt);
        StateSnapshot.WriteText(writer, e.Channel);
        StateSnapshot.WriteText(writer, e.Platform);
        writer.Write(e.Revenue is not null);
        if (e.Revenue is { } revenue)
        {
            writer.Write(revenue);
        }
        StateSnapshot.WriteText(writer, e.Experiment);
        StateSnapshot.WriteText(writer, e.Variant);
        writer.Write7BitEncodedInt(e.Properties?.Count ?? 0);
        foreach (var (name, value) in e.Properties ?? new Dictionary<string, string>())
        {
            writer.Write(name);
            writer.Write(value);
        }
        writer.Write(e.AnonymousOnly);
        StateSnapshot.WriteText(writer, e.LinkedDevice);
        StateSnapshot.WriteText(writer, e.Campaign);
    }

    private static ProductEvent ReadEvent(BinaryReader reader)
    {
        var messageId = reader.ReadString();
        var person = reader.ReadString();
        var type = (EventType)reader.ReadByte();
        var name = StateSnapshot.ReadText(reader);
        var timestamp = reader.ReadInt64();
        var receivedAt = reader.ReadInt64();
        var channel = StateSnapshot.ReadText(reader);
        var platform = StateSnapshot.ReadText(reader);
        decimal? revenue = reader.ReadBoolean() ? reader.ReadDecimal() : null;
        var experiment = StateSnapshot.ReadText(reader);
        var variant = StateSnapshot.ReadText(reader);
        Dictionary<string, string>? properties = null;
        for (var i = reader.Read7BitEncodedInt(); i > 0; i--)
        {
            (properties ??= new Dictionary<string, string>(StringComparer.Ordinal))[reader.ReadString()] = reader.ReadString();
        }
        var anonymousOnly = reader.ReadBoolean();
        return new ProductEvent(messageId, person, type, name, timestamp, receivedAt, channel, platform, revenue, experiment, variant, properties,
            anonymousOnly, StateSnapshot.ReadText(reader), StateSnapshot.ReadText(reader));
    }
}
