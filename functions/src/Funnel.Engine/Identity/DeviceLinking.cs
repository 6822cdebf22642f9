using Funnel.Events;

namespace Funnel.Engine.Identity;

/// <summary>
/// One person per human. A device (anonymousId) is linked to a user by the first received event that names both
/// (same millisecond: the smaller user id); a device links to one user, once, and two users are never merged. From
/// the day the link is visible, every event of the device, before or after the link, counts for the user.
/// This is the only place the rule lives: the daily run, <c>funnel aggregate</c> and the tests all call it.
/// </summary>
public static class DeviceLinking
{
    /// <summary>
    /// The links the day's events make for devices not linked before, one per device, in device order.
    /// <paramref name="allowed"/> refuses a link (e.g. of an erased person); the device then stays unlinked.
    /// </summary>
    public static List<IdentityLink> NewLinks(IEnumerable<ProductEvent> events, IReadOnlyDictionary<string, string> linked, Func<IdentityLink, bool> allowed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(linked);
        ArgumentNullException.ThrowIfNull(allowed);
        var first = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.LinkedDevice is { } device && !e.AnonymousOnly && !linked.ContainsKey(device))
            {
                var link = new IdentityLink(device, e.PersonKey, DateTimeOffset.FromUnixTimeMilliseconds(e.ReceivedAt));
                first[device] = first.TryGetValue(device, out var known) ? IdentityLink.First(known, link) : link;
            }
        }
        return [.. first.Values.Where(allowed).OrderBy(l => l.AnonymousId, StringComparer.Ordinal)];
    }

    /// <summary>The devices the events name together with a user: the only persons of the day before a link step needs to read.</summary>
    public static HashSet<string> DevicesNamedWithAUser(IEnumerable<ProductEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Where(e => !e.AnonymousOnly && e.LinkedDevice is not null).Select(e => e.LinkedDevice!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The person an event counts for: a linked device's events count for its user.</summary>
    public static string PersonOf(ProductEvent e, IReadOnlyDictionary<string, string> linked)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(linked);
        return e.AnonymousOnly && linked.TryGetValue(e.PersonKey, out var user) ? user : e.PersonKey;
    }
}
