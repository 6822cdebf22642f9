using System.Buffers;
using System.Text.Json;
using Funnel.Events;
using Funnel.Events.Privacy;

namespace Funnel.Events.Ingest;

/// <summary>
/// The one writer of the stored-event format (a raw NDJSON line): the call's own fields with <c>type</c> and
/// <c>messageId</c> first, the context merged with the batch's, personal data masked, and the instants normalised
/// to UTC milliseconds.
/// Ingest writes every accepted event with it; the simulator writes its stored events with it too.
/// </summary>
public static class StoredEvent
{
    /// <summary>
    /// Fields ingest writes itself, or drops: <c>writeKey</c> is a secret, and <c>personKey</c> is the daily run's mark of an
    /// event moved to its device's user, which a client must not be able to set.
    /// </summary>
    private static readonly HashSet<string> RewrittenFields = new(StringComparer.Ordinal)
    {
        "type", "messageId", "timestamp", "originalTimestamp", "receivedAt", "sentAt", "context", "writeKey", "personKey",
    };

    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText OriginalTimestampName = JsonEncodedText.Encode("originalTimestamp");
    private static readonly JsonEncodedText SentAtName = JsonEncodedText.Encode("sentAt");
    private static readonly JsonEncodedText ReceivedAtName = JsonEncodedText.Encode("receivedAt");

    /// <summary>
    /// The stored line of <paramref name="call"/> (as the client sent it): <paramref name="timestamp"/> is after clock-skew
    /// correction, <paramref name="clientTimestamp"/> the client's own (kept as <c>originalTimestamp</c>); every
    /// property goes through <paramref name="masking"/> when given.
    /// </summary>
    public static ReadOnlyMemory<byte> Write(JsonElement call, EventType type, string messageId, DateTimeOffset timestamp,
        DateTimeOffset? clientTimestamp, DateTimeOffset? sentAt, JsonElement? batchContext, DateTimeOffset receivedAt, EventMasking? masking = null)
    {
        var buffer = new ArrayBufferWriter<byte>(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(call).Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type.ToWireName());
            writer.WriteString("messageId", messageId);
            foreach (var property in call.EnumerateObject())
            {
                if (!RewrittenFields.Contains(property.Name))
                {
                    Put(writer, masking, null, property);
                }
            }
            WriteContext(writer, call, batchContext, masking);
            Iso8601.Write(writer, TimestampName, timestamp);
            if (clientTimestamp is { } client)
            {
                Iso8601.Write(writer, OriginalTimestampName, client);
            }
            if (sentAt is { } sent)
            {
                Iso8601.Write(writer, SentAtName, sent);
            }
            Iso8601.Write(writer, ReceivedAtName, receivedAt);
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    /// <summary>Batch-level context applies to every event; the event's own keys win.</summary>
    private static void WriteContext(Utf8JsonWriter writer, JsonElement e, JsonElement? batchContext, EventMasking? masking)
    {
        var own = e.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
        if (own is null && batchContext is null)
        {
            return;
        }
        writer.WriteStartObject("context");
        if (own is { } ownContext)
        {
            foreach (var p in ownContext.EnumerateObject())
            {
                Put(writer, masking, "context", p);
            }
        }
        if (batchContext is { } shared)
        {
            foreach (var p in shared.EnumerateObject())
            {
                // Looked up in the event's own context by its raw name: no set of names, no string per key.
                if (own is not { } mine || !HasProperty(mine, p))
                {
                    Put(writer, masking, "context", p);
                }
            }
        }
        writer.WriteEndObject();
    }

    private static bool HasProperty(JsonElement obj, JsonProperty property)
    {
        var rawName = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        return rawName.IndexOf((byte)'\\') < 0 ? obj.TryGetProperty(rawName, out _) : obj.TryGetProperty(property.Name, out _);
    }

    private static void Put(Utf8JsonWriter writer, EventMasking? masking, string? parentPath, JsonProperty property)
    {
        if (masking is null)
        {
            property.WriteTo(writer);
        }
        else
        {
            masking.WriteProperty(writer, parentPath, property);
        }
    }
}
