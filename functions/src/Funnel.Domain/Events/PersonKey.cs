using System.Text.Json;

namespace Funnel.Domain.Events;

/// <summary>Who an event belongs to: <c>userId</c> when present, else <c>anonymousId</c>.</summary>
public static class PersonKey
{
    /// <summary>Returns the person key of an event object, or null when it has neither id.</summary>
    public static string? Of(JsonElement evt)
    {
        if (evt.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        return NonEmpty(evt, "userId") ?? NonEmpty(evt, "anonymousId");
    }

    private static string? NonEmpty(JsonElement evt, string name) =>
        evt.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.GetString()) ? p.GetString() : null;
}
