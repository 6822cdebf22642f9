using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

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
    private readonly HashSet<string> _knownEvents = DataQualityMetric.KnownEvents(definitions);

    /// <summary>Reporting-zone days of instants, shared by every family.</summary>
    public ZoneDays Days { get; } = new(clock.Zone);

    public MetricDefinitions Definitions => definitions;

    public StepSlots Slots => _slots;

    /// <summary>Folds one processing day; <paramref name="quality"/>, when given, receives the data-quality counts of the events folded.</summary>
    public FoldCounts FoldDay(ShardState state, DateOnly processingDay, IEnumerable<ProductEvent> events, long malformed = 0, DataQualityFigures? quality = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.ThroughDay is { } through && processingDay <= through)
        {
            throw new InvalidOperationException($"state already holds day {ReportingDay.Format(through)}; cannot fold {ReportingDay.Format(processingDay)} into it again");
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
            if (quality is not null)
            {
                DataQualityMetric.Observe(e, quality, definitions, _knownEvents);
            }
            folded++;
        }
        var oldestKeptDay = day - DedupWindowDays + 1;
        foreach (var person in state.Persons.Values)
        {
            ForgetIdsBefore(person.RecentIds, oldestKeptDay);
            MetricFamilies.EndOfDay(person, day, definitions);
        }
        state.FirstDay ??= processingDay;
        state.ThroughDay = processingDay;
        return new FoldCounts(folded, duplicates, late, malformed);
    }

    /// <summary>The reporting-zone day of an instant (Unix ms).</summary>
    public int DayOf(long unixMs) => Days.DayOf(unixMs);

    private static bool SortsBefore(ProductEvent a, ProductEvent b)
    {
        var byTime = (a.ReceivedAt, a.Timestamp, a.Type).CompareTo((b.ReceivedAt, b.Timestamp, b.Type));
        return byTime < 0 || (byTime == 0 && string.CompareOrdinal(a.Name, b.Name) < 0);
    }

    private void Apply(PersonState person, ProductEvent e, int eventDay) => MetricFamilies.Observe(person, e, eventDay, definitions, _slots);

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

    /// <summary>The remembered form of a message id.</summary>
    internal static ulong IdHash(string messageId) => Fnv1a.Hash64(messageId);
}
