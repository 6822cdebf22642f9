using Funnel.Events;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>What a data set holds of device linking, counted straight from its events: the cases the identity rule must get right.</summary>
internal sealed record IdentityCoverage(int HistoriesOverSeveralDaysBeforeTheLink, int LinksDeliveredLate, int LinkedOnSignupDay, int LinkedAfterSignupDay, int DeviceAndUserOnDifferentShards)
{
    public static IdentityCoverage Of(SortedDictionary<DateOnly, List<ProductEvent>> data, string zone, int shards)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        int DayOf(long ms) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), tz).DateTime).DayNumber;
        var all = data.SelectMany(d => d.Value.Select(e => (Processed: d.Key.DayNumber, Event: e))).ToList();
        // The first link of each device: the first received event naming it with a user.
        var links = all.Where(x => x.Event.LinkedDevice is not null)
            .GroupBy(x => x.Event.LinkedDevice!, StringComparer.Ordinal)
            .Select(g => g.OrderBy(x => x.Processed).ThenBy(x => x.Event.ReceivedAt).First())
            .ToList();
        var signups = all.Where(x => x.Event is { Type: EventType.Track, Name: "Signed Up" })
            .GroupBy(x => x.Event.PersonKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => DayOf(g.Min(x => x.Event.Timestamp)), StringComparer.Ordinal);
        var anonymousDays = all.Where(x => x.Event.AnonymousOnly)
            .GroupBy(x => x.Event.PersonKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Processed).ToList(), StringComparer.Ordinal);
        var router = new ShardRouter(shards);
        return new IdentityCoverage(
            links.Count(l => anonymousDays.TryGetValue(l.Event.LinkedDevice!, out var days) && days.Where(d => d < l.Processed).Distinct().Count() >= 2),
            // The device's earliest call naming both ids arrived on a later day than it happened.
            all.Where(x => x.Event.LinkedDevice is not null).GroupBy(x => x.Event.LinkedDevice!, StringComparer.Ordinal)
                .Count(g => g.MinBy(x => x.Event.Timestamp) is var first && DayOf(first.Event.Timestamp) < first.Processed),
            links.Count(l => signups.TryGetValue(l.Event.PersonKey, out var s) && DayOf(l.Event.Timestamp) == s),
            links.Count(l => signups.TryGetValue(l.Event.PersonKey, out var s) && DayOf(l.Event.Timestamp) > s),
            links.Count(l => router.ShardOf(l.Event.LinkedDevice!) != router.ShardOf(l.Event.PersonKey)));
    }
}
