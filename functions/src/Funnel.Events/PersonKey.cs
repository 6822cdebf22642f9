using System.Text.Json;

namespace Funnel.Events;

/// <summary>Who an event belongs to: <c>userId</c> when present, else <c>anonymousId</c>.</summary>
public static class PersonKey
{
    /// <summary>Returns the person key of an event object, or null when it has neither id.</summary>
    public static string? Of(JsonElement evt)
    {
        var (userId, anonymousId) = Ids(evt);
        return userId ?? anonymousId;
    }

    /// <summary>The event's non-blank <c>userId</c> and <c>anonymousId</c> (null where missing, blank or not a string).</summary>
    public static (string? UserId, string? AnonymousId) Ids(JsonElement evt) =>
        evt.ValueKind == JsonValueKind.Object ? (NonEmpty(evt, "userId"), NonEmpty(evt, "anonymousId")) : (null, null);

    /// <summary>
    /// The top-level <c>userId</c> and <c>anonymousId</c> of one stored event line (null where missing, blank or not
    /// a string; both null for a line that is not a JSON object), read without building a document.
    /// </summary>
    public static EventIds Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? userId = null, anonymousId = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var which = reader.ValueTextEquals("userId"u8) ? 1 : reader.ValueTextEquals("anonymousId"u8) ? 2 : 0;
                reader.Read();
                if (which == 0 || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                var value = reader.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
                if (which == 1)
                {
                    userId = value;
                }
                else
                {
                    anonymousId = value;
                }
            }
        }
        catch (JsonException)
        {
            return default;
        }
        return new EventIds(userId, anonymousId);
    }

    private static string? NonEmpty(JsonElement evt, string name) =>
        evt.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.GetString()) ? p.GetString() : null;
}

/// <summary>An event's ids as stored.</summary>
public readonly record struct EventIds(string? UserId, string? AnonymousId)
{
    /// <summary>The event's own person: the user, else the device (the daily run may count a device's events for its user).</summary>
    public string? Person => UserId ?? AnonymousId;

    /// <summary>The id raw storage shards the event by: the device when it names one, so that shard decides the device's link.</summary>
    public string? StoredUnder => AnonymousId ?? UserId;
}
