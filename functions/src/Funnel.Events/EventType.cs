namespace Funnel.Events;

/// <summary>The Segment call types the pipeline accepts.</summary>
public enum EventType
{
    Track,
    Identify,
    Page,
    Screen,
    Alias,
    Group,
}

/// <summary>Names of event types as they appear in payloads and in ingest routes.</summary>
public static class EventTypeNames
{
    /// <summary>Route segments after <c>/v1/</c>, long and short (the browser library's) forms; null type means a batch.</summary>
    public static readonly IReadOnlyDictionary<string, EventType?> Routes = new Dictionary<string, EventType?>(StringComparer.Ordinal)
    {
        ["batch"] = null, ["b"] = null,
        ["track"] = EventType.Track, ["t"] = EventType.Track,
        ["identify"] = EventType.Identify, ["i"] = EventType.Identify,
        ["page"] = EventType.Page, ["p"] = EventType.Page,
        ["screen"] = EventType.Screen, ["s"] = EventType.Screen,
        ["alias"] = EventType.Alias, ["a"] = EventType.Alias,
        ["group"] = EventType.Group, ["g"] = EventType.Group,
    };

    public static string ToWireName(this EventType type) => type switch
    {
        EventType.Track => "track",
        EventType.Identify => "identify",
        EventType.Page => "page",
        EventType.Screen => "screen",
        EventType.Alias => "alias",
        EventType.Group => "group",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown event type"),
    };

    public static bool TryParse(string? wireName, out EventType type)
    {
        switch (wireName)
        {
            case "track": type = EventType.Track; return true;
            case "identify": type = EventType.Identify; return true;
            case "page": type = EventType.Page; return true;
            case "screen": type = EventType.Screen; return true;
            case "alias": type = EventType.Alias; return true;
            case "group": type = EventType.Group; return true;
            default: type = default; return false;
        }
    }
}
