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

    /// <summary>How many days of event times a person keeps for rolling retention.</summary>
    public const int RollingInstantDays = 33;

    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

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
        // Within the day the copy that sorts first (receivedAt, timestamp, type, name) stands for its message id;
        // distinct messages commute, so nothing else needs an order.
        var firstCopies = new Dictionary<string, ProductEvent>(events is ICollection<ProductEvent> c ? c.Count : 0, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (firstCopies.TryGetValue(e.MessageId, out var kept))
            {
                duplicates++;
                if (SortsBefore(e, kept))
                {
                    firstCopies[e.MessageId] = e;
                }
            }
            else
            {
                firstCopies[e.MessageId] = e;
            }
        }
        foreach (var e in firstCopies.Values)
        {
            if (!state.Persons.TryGetValue(e.PersonKey, out var person))
            {
                state.Persons[e.PersonKey] = person = new PersonState(_slots.Count);
            }
            var id = IdHash(e.MessageId);
            if (Seen(person.RecentIds, id))
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
        // Rolling retention of the newest 31 signup cohorts reads events up to 31 days after signup;
        // older instants, and those of persons who signed up before then, are not needed again.
        var instantCutoff = (long)(day - RollingInstantDays - UnixEpochDay) * 86_400_000 - 14 * 3_600_000;
        var oldestKeptDay = day - DedupWindowDays + 1;
        foreach (var person in state.Persons.Values)
        {
            ForgetIdsBefore(person.RecentIds, oldestKeptDay);
            if (person.SignupAt != long.MaxValue && person.SignupAt < instantCutoff)
            {
                person.RecentInstants.Clear();
            }
            else
            {
                ForgetInstantsBefore(person.RecentInstants, instantCutoff);
            }
        }
        state.FirstDay ??= processingDay;
        state.ThroughDay = processingDay;
        return new FoldCounts(folded, duplicates, late, malformed);
    }

    private readonly Dictionary<long, int> _offsetByHour = [];

    /// <summary>The reporting-zone day of an instant. Zone offsets are looked up once per hour of time and cached.</summary>
    public int DayOf(long unixMs)
    {
        const long hourMs = 3_600_000;
        var hour = Math.DivRem(unixMs, hourMs, out var rest) - (rest < 0 ? 1 : 0);
        int offsetMs;
        lock (_offsetByHour)
        {
            if (!_offsetByHour.TryGetValue(hour, out offsetMs))
            {
                var start = clock.Zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(hour * hourMs));
                var end = clock.Zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(hour * hourMs + hourMs - 1));
                // An hour holding a transition is not cached; its instants are converted one by one.
                offsetMs = start == end ? (int)start.TotalMilliseconds : int.MinValue;
                _offsetByHour[hour] = offsetMs;
            }
        }
        if (offsetMs == int.MinValue)
        {
            return clock.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(unixMs)).DayNumber;
        }
        return (int)Math.Floor((unixMs + offsetMs) / 86_400_000.0) + UnixEpochDay;
    }

    private static bool SortsBefore(ProductEvent a, ProductEvent b)
    {
        var byTime = (a.ReceivedAt, a.Timestamp, a.Type).CompareTo((b.ReceivedAt, b.Timestamp, b.Type));
        return byTime < 0 || (byTime == 0 && string.CompareOrdinal(a.Name, b.Name) < 0);
    }

    private void Apply(PersonState person, ProductEvent e, int eventDay)
    {
        person.FirstSeen = Math.Min(person.FirstSeen, e.Timestamp);
        PersonState.InsertSorted(person.ActiveDays, eventDay);
        PersonState.InsertSorted(person.RecentInstants, e.Timestamp);
        if (e.Type == EventType.Track && e.Name == definitions.SignupEvent)
        {
            person.SignupAt = Math.Min(person.SignupAt, e.Timestamp);
        }
        if (e.Type == EventType.Track && e.Name == definitions.PurchaseEvent)
        {
            var revenue = (long)Math.Round((e.Revenue ?? 0) * 10_000, MidpointRounding.AwayFromZero);
            var at = person.Purchases.BinarySearch((e.Timestamp, revenue));
            person.Purchases.Insert(at < 0 ? ~at : at, (e.Timestamp, revenue));
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
            person.SetExposure(e.Experiment, e.Timestamp, e.Variant);
        }
        foreach (var slot in _slots.CandidatesFor(e))
        {
            if (!_slots.Matches(slot, e))
            {
                continue;
            }
            var times = person.StepTimesFor(slot);
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

    private static void ForgetIdsBefore(List<(ulong Id, int Day)> ids, int oldestKeptDay)
    {
        var kept = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i].Day >= oldestKeptDay)
            {
                ids[kept++] = ids[i];
            }
        }
        ids.RemoveRange(kept, ids.Count - kept);
    }

    /// <summary>Instants are sorted, so the old ones are a prefix.</summary>
    private static void ForgetInstantsBefore(List<long> instants, long cutoff)
    {
        var index = instants.BinarySearch(cutoff);
        index = index < 0 ? ~index : index;
        while (index > 0 && instants[index - 1] >= cutoff)
        {
            index--;
        }
        if (index > 0)
        {
            instants.RemoveRange(0, index);
        }
    }

    private static bool Seen(List<(ulong Id, int Day)> recent, ulong id)
    {
        foreach (var (seen, _) in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(recent))
        {
            if (seen == id)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>FNV-1a 64 of the message id's UTF-8 bytes: 8 bytes per remembered id instead of the whole string.</summary>
    internal static ulong IdHash(string messageId)
    {
        Span<byte> buffer = messageId.Length <= 128 ? stackalloc byte[384] : new byte[Encoding.UTF8.GetMaxByteCount(messageId.Length)];
        var length = Encoding.UTF8.GetBytes(messageId, buffer);
        var hash = 14695981039346656037UL;
        foreach (var b in buffer[..length])
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return hash;
    }
}
