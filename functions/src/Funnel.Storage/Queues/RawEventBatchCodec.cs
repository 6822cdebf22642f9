using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Ingest;

namespace Funnel.Storage.Queues;

/// <summary>Reads and writes the queue message that carries a <see cref="RawEventBatch"/>.</summary>
public static class RawEventBatchCodec
{
    private const int EnvelopeOverheadBytes = 160;

    public static byte[] Serialize(RawEventBatch batch) => Encode(batch).ToArray();

    /// <summary>The message body as UTF-8, without copying it out of the writer's buffer.</summary>
    internal static ReadOnlyMemory<byte> Encode(RawEventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var buffer = new ArrayBufferWriter<byte>(EnvelopeOverheadBytes + batch.Events.Sum(e => e.Length + 1));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("batchId", batch.BatchId);
            writer.WriteString("receivedAt", Iso8601.Format(batch.ReceivedAt));
            writer.WriteStartArray("events");
            foreach (var e in batch.Events)
            {
                writer.WriteRawValue(e.Span, skipInputValidation: true);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Parses a queue message; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static RawEventBatch Deserialize(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"event batch message is not valid JSON: {ex.Message}", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("event batch message must be a JSON object");
            }
            var batchId = root.TryGetProperty("batchId", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()! : throw new FormatException("event batch message has no string 'batchId'");
            if (!IsSafeBlobSegment(batchId))
            {
                throw new FormatException($"event batch message has an unusable batchId '{batchId}'");
            }
            var receivedAt = root.TryGetProperty("receivedAt", out var r) && r.ValueKind == JsonValueKind.String && r.TryGetDateTimeOffset(out var parsed)
                ? parsed : throw new FormatException("event batch message has no ISO-8601 'receivedAt'");
            if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("event batch message has no 'events' array");
            }
            var list = new List<ReadOnlyMemory<byte>>(events.GetArrayLength());
            foreach (var e in events.EnumerateArray())
            {
                list.Add(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e).ToArray());
            }
            return new RawEventBatch(batchId, receivedAt, list);
        }
    }

    /// <summary>
    /// Splits a batch into messages that each serialise to at most <paramref name="maxMessageBytes"/>.
    /// Parts are named <c>{batchId}-p{n}</c>, deterministically, so a redelivered request splits the same way.
    /// A part that holds a single event may still exceed the limit; the queue adapter then stores it by reference.
    /// </summary>
    public static IReadOnlyList<RawEventBatch> SplitToFit(RawEventBatch batch, int maxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var total = EnvelopeOverheadBytes + batch.Events.Sum(e => e.Length + 1);
        if (total <= maxMessageBytes)
        {
            return [batch];
        }
        var parts = new List<List<ReadOnlyMemory<byte>>>();
        var current = new List<ReadOnlyMemory<byte>>();
        var size = EnvelopeOverheadBytes;
        foreach (var e in batch.Events)
        {
            if (current.Count > 0 && size + e.Length + 1 > maxMessageBytes)
            {
                parts.Add(current);
                current = [];
                size = EnvelopeOverheadBytes;
            }
            current.Add(e);
            size += e.Length + 1;
        }
        parts.Add(current);
        return parts.Select((events, i) => new RawEventBatch($"{batch.BatchId}-p{i}", batch.ReceivedAt, events)).ToList();
    }

    /// <summary>Marks a message that carries several batches: base64 of gzip members, one batch object per line once decompressed.</summary>
    internal const string GroupPrefix = "gz:";

    /// <summary>A forged or corrupt group message cannot make a reader inflate more than this.</summary>
    private const int MaxGroupBytes = 32 * 1024 * 1024;

    /// <summary>One batch as a gzip member; members concatenated are one gzip stream, so a group grows without compressing again.</summary>
    internal static byte[] GroupMember(RawEventBatch batch)
    {
        var json = Encode(batch);
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json.Span);
            gzip.WriteByte((byte)'\n');
        }
        return output.ToArray();
    }

    /// <summary>The length of the group message holding members of <paramref name="memberBytes"/> bytes in all.</summary>
    internal static int GroupMessageLength(long memberBytes) => GroupPrefix.Length + (int)(4 * ((memberBytes + 2) / 3));

    internal static string GroupMessage(IReadOnlyList<byte[]> members)
    {
        var joined = new byte[members.Sum(m => m.Length)];
        var at = 0;
        foreach (var member in members)
        {
            member.CopyTo(joined, at);
            at += member.Length;
        }
        return GroupPrefix + Convert.ToBase64String(joined);
    }

    /// <summary>The batches of a group message; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static IReadOnlyList<RawEventBatch> DeserializeGroup(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(message[GroupPrefix.Length..]);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"event group message is not base64 after '{GroupPrefix}': {ex.Message}", ex);
        }
        using var content = new MemoryStream();
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var chunk = new byte[81920];
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                if (content.Length + read > MaxGroupBytes)
                {
                    throw new FormatException($"event group message inflates to more than {MaxGroupBytes} bytes");
                }
                content.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException($"event group message is not valid gzip: {ex.Message}", ex);
        }
        ReadOnlyMemory<byte> bytes = content.GetBuffer().AsMemory(0, (int)content.Length);
        var batches = new List<RawEventBatch>();
        while (!bytes.IsEmpty)
        {
            var end = bytes.Span.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? ReadOnlyMemory<byte>.Empty : bytes[(end + 1)..];
            if (!line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                batches.Add(Deserialize(line));
            }
        }
        return batches.Count > 0 ? batches : throw new FormatException("event group message holds no batch");
    }

    internal static bool IsSafeBlobSegment(string value) =>
        value.Length is > 0 and <= 120 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
