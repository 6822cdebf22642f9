using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Funnel.Events;

/// <summary>A raw line that could not be read, named by file and line, so it is counted and reported, never silently lost.</summary>
public sealed record MalformedLine(string File, int Line, string Reason);

/// <summary>
/// Reads the NDJSON events ProcessEvents wrote (gzip or plain) into <see cref="ProductEvent"/>s. Each
/// line is scanned once with <see cref="Utf8JsonReader"/>, taking only the fields the metrics read.
/// </summary>
public static class ProductEventReader
{
    /// <summary>
    /// Reads every line; malformed ones go to <paramref name="malformed"/> with file and line.
    /// <paramref name="keepProperties"/> names the top-level properties kept (funnel step filters, the survey's score;
    /// the definitions' <c>KeptProperties</c>): the others cost no allocation. Null keeps every one.
    /// </summary>
    public static List<ProductEvent> Read(Stream stream, string fileName, bool gzip, List<MalformedLine> malformed, IReadOnlySet<string>? keepProperties = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(malformed);
        byte[] content;
        int length;
        try
        {
            using var buffer = new MemoryStream();
            using (var input = gzip ? new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true) : stream)
            {
                input.CopyTo(buffer);
            }
            content = buffer.GetBuffer();
            length = (int)buffer.Length;
        }
        catch (InvalidDataException ex)
        {
            malformed.Add(new MalformedLine(fileName, 1, $"not valid gzip: {ex.Message}"));
            return [];
        }
        var events = new List<ProductEvent>();
        var lineNumber = 0;
        var start = 0;
        while (start < length)
        {
            var end = Array.IndexOf(content, (byte)'\n', start, length - start);
            end = end < 0 ? length : end;
            lineNumber++;
            var line = content.AsSpan(start, end - start).TrimEnd((byte)'\r');
            start = end + 1;
            if (line.IsEmpty)
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
        return events;
    }

    public static bool TryParse(string line, out ProductEvent productEvent, out string reason, IReadOnlySet<string>? keepProperties = null) =>
        TryParse(Encoding.UTF8.GetBytes(line ?? string.Empty), out productEvent, out reason, keepProperties);

    public static bool TryParse(ReadOnlySpan<byte> line, out ProductEvent productEvent, out string reason, IReadOnlySet<string>? keepProperties = null)
    {
        productEvent = null!;
        var fields = new Fields();
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                reason = "not a JSON object";
                return false;
            }
            ReadRoot(ref reader, ref fields, keepProperties);
        }
        catch (JsonException ex)
        {
            reason = $"not valid JSON: {ex.Message}";
            return false;
        }
        catch (InvalidOperationException ex)
        {
            reason = $"not valid JSON: {ex.Message}";
            return false;
        }
        var person = fields.UserId ?? fields.AnonymousId;
        if (person is null || fields.MessageId is null || !EventTypeNames.TryParse(fields.Type, out var type))
        {
            reason = "lacks a person id, messageId or known type";
            return false;
        }
        if (fields.Timestamp is not { } timestamp || fields.ReceivedAt is not { } receivedAt)
        {
            reason = "lacks an ISO-8601 timestamp or receivedAt";
            return false;
        }
        productEvent = new ProductEvent(
            fields.MessageId, person, type, type == EventType.Track ? fields.Event : fields.Name,
            timestamp, receivedAt,
            fields.CampaignSource ?? fields.PropertyChannel,
            fields.OsName ?? fields.LibraryName,
            fields.Revenue ?? fields.Total,
            fields.Experiment, fields.Variant, fields.Properties,
            AnonymousOnly: fields.UserId is null,
            LinkedDevice: fields.UserId is null ? null : fields.AnonymousId,
            Campaign: fields.Campaign);
        reason = string.Empty;
        return true;
    }

    private static void ReadRoot(ref Utf8JsonReader reader, ref Fields fields, IReadOnlySet<string>? keepProperties)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type": fields.Type = Text(ref reader); break;
                case "event": fields.Event = Text(ref reader); break;
                case "name": fields.Name = Text(ref reader); break;
                case "userId": fields.UserId = Id(ref reader); break;
                case "anonymousId": fields.AnonymousId = Id(ref reader); break;
                case "messageId": fields.MessageId = Text(ref reader); break;
                case "timestamp": fields.Timestamp = Instant(ref reader); break;
                case "receivedAt": fields.ReceivedAt = Instant(ref reader); break;
                case "properties" when reader.TokenType == JsonTokenType.StartObject: ReadProperties(ref reader, ref fields, keepProperties); break;
                case "context" when reader.TokenType == JsonTokenType.StartObject: ReadContext(ref reader, ref fields); break;
                default: break;
            }
            // A value of an unexpected shape (an object where text was expected…) is passed over whole.
            reader.Skip();
        }
    }

    private static void ReadProperties(ref Utf8JsonReader reader, ref Fields fields, IReadOnlySet<string>? keepProperties)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (name)
            {
                case "revenue": fields.Revenue = Number(ref reader); break;
                case "total": fields.Total = Number(ref reader); break;
                case "channel": fields.PropertyChannel = Text(ref reader); break;
                case "experiment": fields.Experiment = Text(ref reader); break;
                case "variant": fields.Variant = Text(ref reader); break;
                default: break;
            }
            if ((keepProperties is null || keepProperties.Contains(name)) && Scalar(ref reader) is { } text)
            {
                (fields.Properties ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = text;
            }
            reader.Skip();
        }
    }

    private static void ReadContext(ref Utf8JsonReader reader, ref Fields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && name is "campaign" or "os" or "library")
            {
                string? value = null, medium = null, campaignName = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var inner = reader.GetString();
                    reader.Read();
                    switch (inner)
                    {
                        case "source" when name == "campaign": value = Text(ref reader); break;
                        case "medium" when name == "campaign": medium = Text(ref reader); break;
                        case "name" when name == "campaign": campaignName = Text(ref reader); break;
                        case "name": value = Text(ref reader); break;
                        default: break;
                    }
                    reader.Skip();
                }
                switch (name)
                {
                    case "campaign": (fields.CampaignSource, fields.Campaign) = (value, CampaignKey.Of(value, medium, campaignName)); break;
                    case "os": fields.OsName = value; break;
                    default: fields.LibraryName = value; break;
                }
            }
            else
            {
                reader.Skip();
            }
        }
    }

    private static string? Text(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } text ? text : null;

    private static string? Id(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;

    private static long? Instant(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) ? value.ToUnixTimeMilliseconds() : null;

    private static decimal? Number(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetDecimal(out var d) => d,
        JsonTokenType.String when decimal.TryParse(reader.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>A top-level scalar property as text, for funnel step filters.</summary>
    private static string? Scalar(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        _ => null,
    };

    /// <summary>The fields of one line as they are found.</summary>
    private struct Fields
    {
        public string? Type, Event, Name, UserId, AnonymousId, MessageId;
        public long? Timestamp, ReceivedAt;
        public string? CampaignSource, Campaign, OsName, LibraryName, PropertyChannel, Experiment, Variant;
        public decimal? Revenue, Total;
        public Dictionary<string, string>? Properties;
    }
}
