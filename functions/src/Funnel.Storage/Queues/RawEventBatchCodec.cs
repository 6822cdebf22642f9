using System.Buffers;
using System.Text.Json;
using Funnel.Domain.Ingest;
using Funnel.Domain.Processing;

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

    internal static bool IsSafeBlobSegment(string value) =>
        value.Length is > 0 and <= 120 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
