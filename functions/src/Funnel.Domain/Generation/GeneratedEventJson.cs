using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Generation;

/// <summary>Writes a generated event as the raw NDJSON line ProcessEvents would have stored for it.</summary>
public static class GeneratedEventJson
{
    public static string Line(ProductEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", e.Type.ToWireName());
            if (e.Name is not null)
            {
                writer.WriteString(e.Type == EventType.Track ? "event" : "name", e.Name);
            }
            // The generator names anonymous visitors anon-…; everyone else is identified.
            writer.WriteString(e.PersonKey.StartsWith("anon-", StringComparison.Ordinal) ? "anonymousId" : "userId", e.PersonKey);
            writer.WriteString("messageId", e.MessageId);
            writer.WriteStartObject("properties");
            if (e.Revenue is { } revenue)
            {
                writer.WriteNumber("revenue", revenue);
                writer.WriteString("currency", "CNY");
            }
            if (e.Experiment is not null)
            {
                writer.WriteString("experiment", e.Experiment);
                writer.WriteString("variant", e.Variant);
            }
            foreach (var (key, value) in e.Properties ?? new Dictionary<string, string>())
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            writer.WriteStartObject("context");
            if (e.Channel is not null)
            {
                writer.WriteStartObject("campaign");
                writer.WriteString("source", e.Channel);
                writer.WriteEndObject();
            }
            if (e.Platform is not null)
            {
                writer.WriteStartObject("os");
                writer.WriteString("name", e.Platform);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteString("timestamp", Instant(e.Timestamp));
            writer.WriteString("receivedAt", Instant(e.ReceivedAt));
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Instant(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
