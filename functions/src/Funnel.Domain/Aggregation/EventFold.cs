using System.Text;
using Funnel.Domain.Events;
using Funnel.Domain.Processing;

namespace Funnel.Domain.Aggregation;

/// <summary>
/// <c>state(day) = fold(state(day-1), events(day))</c> for one shard. Deterministic: events are
/// ordered by message id before folding, a message id seen within <see cref="DedupWindowDays"/>
/// processing days is dropped, and every update commutes.
/// </summary>
public sealed class EventFold(MetricDefinitions definitions, ReportingClock clock)
{
    /// <summary>A re-sent event is recognised this many processing days after the first copy.</summary>
    public const int DedupWindowDays = 7;

    private readonly StepSlots _slots = new(definitions);

    public MetricDefinitions Definitions => definitions;

    public StepSlots Slots => _slots;

    public ReportingClock Clock => clock;

    public FoldCounts FoldDay(ShardState state, DateOnly processingDay, IEnumerable<ProductEvent> events, long malformed = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.ThroughDay is { } through && processingDay <= through)
        {
            throw new InvalidOperationException($"state already holds day {through:yyyy-MM-dd}; cannot fold {processingDay:yyyy-MM-dd} into it again");
        }
        var day = processingDay.DayNumber;
        long folded = 0, duplicates = 0, late = 0;
        var ordered = events.OrderBy(e => e.MessageId, StringComparer.Ordinal).ThenBy(e => e.ReceivedAt).ThenBy(e => e.Timestamp)
            .ThenBy(e => e.Type).ThenBy(e => e.Name, StringComparer.Ordinal);
        foreach (var e in ordered)
        {
            if (!state.Persons.TryGetValue(e.PersonKey, out var person))
            {
                state.Persons[e.PersonKey] = person = new PersonState(_slots.Count);
            }
            var id = IdHash(e.MessageId);
            if (person.RecentIds.Exists(r => r.Id == id))
            {
                duplicates++;
                continue;
            }
            person.RecentIds.Add((id, day));
            var eventDay = DayOf(e.Timestamp);
            if (eventDay < day)
            {
                late++;
            }
            Apply(person, e, eventDay);
            folded++;
        }
        foreach (var person in state.Persons.Values)
        {
            person.RecentIds.RemoveAll(r => r.Day <= day - DedupWindowDays);
        }
        state.FirstDay ??= processingDay;
        state.ThroughDay = processingDay;
        return new FoldCounts(folded, duplicates, late, malformed);
    }

    public int DayOf(long unixMs) => clock.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(unixMs)).DayNumber;

    private void Apply(PersonState person, ProductEvent e, int eventDay)
    {
        person.FirstSeen = Math.Min(person.FirstSeen, e.Timestamp);
        PersonState.InsertSorted(person.ActiveDays, eventDay);
        if (e.Type == EventType.Track && e.Name == definitions.SignupEvent)
        {
            person.SignupAt = Math.Min(person.SignupAt, e.Timestamp);
        }
        if (e.Channel is not null && Earlier(e.Timestamp, e.Channel, person.ChannelAt, person.Channel))
        {
            (person.ChannelAt, person.Channel) = (e.Timestamp, e.Channel);
        }
        if (e.Platform is not null && Earlier(e.Timestamp, e.Platform, person.PlatformAt, person.Platform))
        {
            (person.PlatformAt, person.Platform) = (e.Timestamp, e.Platform);
        }
        if (e.Type == EventType.Track && e.Name == definitions.ExperimentEvent && e.Experiment is not null && e.Variant is not null
            && (!person.Exposures.TryGetValue(e.Experiment, out var seen) || Earlier(e.Timestamp, e.Variant, seen.At, seen.Variant)))
        {
            person.Exposures[e.Experiment] = (e.Timestamp, e.Variant);
        }
        for (var slot = 0; slot < _slots.Count; slot++)
        {
            if (!_slots.Matches(slot, e))
            {
                continue;
            }
            var times = person.StepTimes[slot] ??= [];
            if (!_slots.IsEntry(slot))
            {
                PersonState.InsertSorted(times, e.Timestamp);
            }
            else if (times.Count == 0)
            {
                times.Add(e.Timestamp);
            }
            else if (e.Timestamp < times[0])
            {
                times[0] = e.Timestamp;
            }
        }
    }

    /// <summary>Earlier time wins; on a tie the ordinally smaller value, so the outcome does not depend on arrival order.</summary>
    private static bool Earlier(long at, string value, long currentAt, string? current) =>
        at < currentAt || (at == currentAt && string.CompareOrdinal(value, current) < 0);

    /// <summary>FNV-1a 64 of the message id: 8 bytes per remembered id instead of the whole string.</summary>
    internal static ulong IdHash(string messageId)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(messageId))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return hash;
    }
}
