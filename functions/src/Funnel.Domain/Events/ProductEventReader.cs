using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Funnel.Domain.Events;

/// <summary>A raw line that could not be read, named by file and line, so it is counted and reported, never silently lost.</summary>
public sealed record MalformedLine(string File, int Line, string Reason);

/// <summary>Reads the NDJSON events ProcessEvents wrote (gzip or plain) into <see cref="ProductEvent"/>s.</summary>
public static class ProductEventReader
{
    /// <summary>
    /// Reads every line; malformed ones go to <paramref name="malformed"/> with file and line.
    /// <paramref name="keepProperties"/> keeps top-level properties for funnel step filters; without filters, leave it off and save the allocations.
    /// </summary>
    public static List<ProductEvent> Read(Stream stream, string fileName, bool gzip, List<MalformedLine> malformed, bool keepProperties = true)
    {
        ArgumentNullException.ThrowIfNull(malformed);
        using var input = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream;
        using var reader = new StreamReader(input, leaveOpen: true);
        var events = new List<ProductEvent>();
        var lineNumber = 0;
        try
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0)
                {
                    continue;
                }
                if (TryParse(line, out var e, out var reason, keepProperties))
                {
                    events.Add(e);
                }
                else
                {
                    malformed.Add(new MalformedLine(fileName, lineNumber, reason));
                }
            }
        }
        catch (InvalidDataException ex)
        {
            malformed.Add(new MalformedLine(fileName, lineNumber + 1, $"not valid gzip: {ex.Message}"));
        }
        return events;
    }

    public static bool TryParse(string line, out ProductEvent productEvent, out string reason, bool keepProperties = true)
    {
        productEvent = null!;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = "not a JSON object";
                return false;
            }
            var person = PersonKey.Of(root);
            var messageId = Text(root, "messageId");
            if (person is null || messageId is null || !EventTypeNames.TryParse(Text(root, "type"), out var type))
            {
                reason = "lacks a person id, messageId or known type";
                return false;
            }
            if (!Instant(root, "timestamp", out var timestamp) || !Instant(root, "receivedAt", out var receivedAt))
            {
                reason = "lacks an ISO-8601 timestamp or receivedAt";
                return false;
            }
            var properties = root.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var context = root.TryGetProperty("context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
            productEvent = new ProductEvent(
                messageId,
                person,
                type,
                type == EventType.Track ? Text(root, "event") : Text(root, "name"),
                timestamp,
                receivedAt,
                Path(context, "campaign", "source") ?? Text(properties, "channel"),
                Path(context, "os", "name") ?? Path(context, "library", "name"),
                Number(properties, "revenue") ?? Number(properties, "total"),
                Text(properties, "experiment"),
                Text(properties, "variant"),
                keepProperties ? Flat(properties) : null);
            reason = string.Empty;
            return true;
        }
        catch (JsonException ex)
        {
            reason = $"not valid JSON: {ex.Message}";
            return false;
        }
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s ? s : null;

    private static string? Path(JsonElement e, string outer, string inner) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(outer, out var o) ? Text(o, inner) : null;

    private static decimal? Number(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var p))
        {
            return null;
        }
        return p.ValueKind switch
        {
            JsonValueKind.Number when p.TryGetDecimal(out var d) => d,
            JsonValueKind.String when decimal.TryParse(p.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }

    private static bool Instant(JsonElement e, string name, out long unixMs)
    {
        unixMs = 0;
        if (e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.TryGetDateTimeOffset(out var value))
        {
            unixMs = value.ToUnixTimeMilliseconds();
            return true;
        }
        return false;
    }

    /// <summary>Top-level scalar properties as text, for funnel step filters.</summary>
    private static Dictionary<string, string>? Flat(JsonElement properties)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        Dictionary<string, string>? flat = null;
        foreach (var p in properties.EnumerateObject())
        {
            var text = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => p.Value.GetRawText(),
                _ => null,
            };
            if (text is not null)
            {
                (flat ??= new Dictionary<string, string>(StringComparer.Ordinal))[p.Name] = text;
            }
        }
        return flat;
    }
}
