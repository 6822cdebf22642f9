using System.Text.Json;

namespace Funnel.Domain.Events;

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

    private static string? NonEmpty(JsonElement evt, string name) =>
        evt.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.GetString()) ? p.GetString() : null;
}
