using System.Text.Json.Nodes;
using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>The <c>highIntent</c> block: a cart or checkout in the last 7 days not followed (at the same instant or later) by a purchase by the report day.</summary>
public static class HighIntentBlock
{
    private static readonly string[] IntentNames = ["Product Added", "Checkout Started"];

    public static bool HasIntent(Person p, int reportDay) =>
        p.Events.Any(k => k.Event.Type == EventType.Track && IntentNames.Contains(k.Event.Name)
            && k.Day <= reportDay && reportDay - k.Day < ReportWindows.HighIntentDays
            && !p.Purchases.Any(o => o.Event.Timestamp >= k.Event.Timestamp && o.Day <= reportDay));

    /// <summary>The time of the latest cart or checkout that happened by the report day.</summary>
    public static long LatestIntentAt(Person p, int reportDay) =>
        p.Events.Where(k => k.Event.Type == EventType.Track && IntentNames.Contains(k.Event.Name) && k.Day <= reportDay).Max(k => k.Event.Timestamp);

    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay)
    {
        var intent = persons.Where(p => HasIntent(p, reportDay)).ToList();
        return new JsonObject
        {
            ["persons"] = intent.Count,
            ["byChannel"] = new JsonArray(intent.GroupBy(p => p.Channel)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (JsonNode)new JsonObject { ["value"] = g.Key, ["persons"] = g.Count() }).ToArray()),
        };
    }
}
