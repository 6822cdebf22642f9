using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>An event that was folded: the copy that counted, on the processing day it was folded, and the zone day it happened on.</summary>
public sealed record KnownEvent(ProductEvent Event, int ProcessingDay, int Day);

/// <summary>
/// Replays the processing days up to the report day from scratch: within a day the copy that sorts first
/// (received, happened, type, name) stands for its message id, and a message id folded in the previous
/// 7 processing days is a duplicate.
/// </summary>
public sealed class ProcessingLedger
{
    public ProcessingLedger(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, int reportDay, ZoneCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        ArgumentNullException.ThrowIfNull(calendar);
        var lastFolded = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (date, copies) in byProcessingDay.Where(p => p.Key.DayNumber <= reportDay).OrderBy(p => p.Key))
        {
            var day = date.DayNumber;
            var folded = copies
                .GroupBy(e => e.MessageId, StringComparer.Ordinal)
                .Select(g => g.OrderBy(e => e.ReceivedAt).ThenBy(e => e.Timestamp).ThenBy(e => e.Type).ThenBy(e => e.Name, StringComparer.Ordinal).First())
                .Where(e => !(lastFolded.TryGetValue(e.MessageId, out var seen) && day - seen <= ReportWindows.DedupProcessingDays))
                .Select(e => new KnownEvent(e, day, calendar.DayOf(e.Timestamp)))
                .ToList();
            foreach (var known in folded)
            {
                lastFolded[known.Event.MessageId] = day;
            }
            Events.AddRange(folded);
            if (day == reportDay)
            {
                Folded = folded.Count;
                DuplicatesDropped = copies.Count - folded.Count;
                Copies = copies.Count;
                Late = folded.Count(k => k.Day < day);
            }
        }
    }

    /// <summary>Every folded event up to and including the report day.</summary>
    public List<KnownEvent> Events { get; } = [];

    public long Folded { get; }

    public long DuplicatesDropped { get; }

    public long Late { get; }

    /// <summary>Every copy received on the report day, duplicates included.</summary>
    public long Copies { get; }
}
