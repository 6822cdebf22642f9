using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>
/// One person per human, recomputed from the raw events alone: going through the processing days up to the report
/// day in order, a device not linked yet is linked to the user of the first received event of that day that names
/// both (same millisecond: the smaller user id). Every event of a linked device, whenever it came, is the user's.
/// </summary>
public static class OracleLinks
{
    public static Dictionary<string, string> Of(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, int reportDay)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, events) in byProcessingDay.Where(p => p.Key.DayNumber <= reportDay).OrderBy(p => p.Key))
        {
            var firstOfDay = events
                .Where(e => !e.AnonymousOnly && e.LinkedDevice is not null && !links.ContainsKey(e.LinkedDevice))
                .GroupBy(e => e.LinkedDevice!, StringComparer.Ordinal)
                .Select(g => g.OrderBy(e => e.ReceivedAt).ThenBy(e => e.PersonKey, StringComparer.Ordinal).First())
                .ToList();
            foreach (var e in firstOfDay)
            {
                links[e.LinkedDevice!] = e.PersonKey;
            }
        }
        return links;
    }

    /// <summary>The person an event counts for, given the links visible on the report day.</summary>
    public static string PersonOf(ProductEvent e, IReadOnlyDictionary<string, string> links) =>
        e.AnonymousOnly && links.TryGetValue(e.PersonKey, out var user) ? user : e.PersonKey;
}
