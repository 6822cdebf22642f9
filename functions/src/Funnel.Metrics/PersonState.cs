using Funnel.Events;

namespace Funnel.Metrics;

/// <summary>
/// Everything the metrics need to know about one person, folded from their events in any order. Every
/// update is a min or a set insert, so the state does not depend on the order events arrive in. This part
/// holds the facts several families read; each family declares what only it keeps in its own file.
/// </summary>
public sealed partial class PersonState
{
    public PersonState(int stepSlots) => StepSlots = stepSlots;

    /// <summary>Earliest event time (Unix ms).</summary>
    public long FirstSeen { get; set; } = long.MaxValue;

    /// <summary>注册 signup: earliest signup event, or <see cref="long.MaxValue"/>.</summary>
    public long SignupAt { get; set; } = long.MaxValue;

    /// <summary>Time of the earliest event that named a channel, and that channel (first touch).</summary>
    public long ChannelAt { get; set; } = long.MaxValue;
    public string? Channel { get; set; }

    public long PlatformAt { get; set; } = long.MaxValue;
    public string? Platform { get; set; }

    /// <summary>Sorted day numbers (reporting zone) with any activity.</summary>
    public List<int> ActiveDays { get; } = [];

    /// <summary>Purchases: time and revenue in ten-thousandths of the currency unit (<see cref="ReportNumbers.MoneyUnit"/>), sorted.</summary>
    public List<(long At, long Revenue4)> Purchases { get; } = [];

    /// <summary>The fold's memory against re-sent events: hashes of message ids seen in the dedup window, with the processing day they were seen.</summary>
    public List<(ulong Id, int Day)> RecentIds { get; } = [];

    /// <summary>First-touch channel, <c>direct</c> when no event named one.</summary>
    public string ChannelOrDirect => Channel ?? "direct";

    /// <summary>First-touch platform, <c>unknown</c> when no event named one.</summary>
    public string PlatformOrUnknown => Platform ?? "unknown";

    /// <summary>Folds the shared facts of one event that happened on <paramref name="eventDay"/>.</summary>
    internal void ObserveFacts(ProductEvent e, int eventDay, MetricDefinitions definitions)
    {
        FirstSeen = Math.Min(FirstSeen, e.Timestamp);
        InsertSorted(ActiveDays, eventDay);
        if (e.Type == EventType.Track && e.Name == definitions.SignupEvent)
        {
            SignupAt = Math.Min(SignupAt, e.Timestamp);
        }
        if (e.Type == EventType.Track && e.Name == definitions.PurchaseEvent)
        {
            var revenue = (long)Math.Round((e.Revenue ?? 0) * ReportNumbers.MoneyUnit, MidpointRounding.AwayFromZero);
            InsertKeepingEqual(Purchases, (e.Timestamp, revenue));
        }
        if (e.Channel is not null && Earlier(e.Timestamp, e.Channel, ChannelAt, Channel))
        {
            (ChannelAt, Channel) = (e.Timestamp, e.Channel);
        }
        if (e.Platform is not null && Earlier(e.Timestamp, e.Platform, PlatformAt, Platform))
        {
            (PlatformAt, Platform) = (e.Timestamp, e.Platform);
        }
    }

    /// <summary>Takes in the shared facts of <paramref name="other"/> (a device's state joining its user's): the same facts as folding both persons' events into one.</summary>
    internal void MergeFacts(PersonState other)
    {
        FirstSeen = Math.Min(FirstSeen, other.FirstSeen);
        SignupAt = Math.Min(SignupAt, other.SignupAt);
        if (other.Channel is not null && Earlier(other.ChannelAt, other.Channel, ChannelAt, Channel))
        {
            (ChannelAt, Channel) = (other.ChannelAt, other.Channel);
        }
        if (other.Platform is not null && Earlier(other.PlatformAt, other.Platform, PlatformAt, Platform))
        {
            (PlatformAt, Platform) = (other.PlatformAt, other.Platform);
        }
        foreach (var day in other.ActiveDays)
        {
            InsertSorted(ActiveDays, day);
        }
        foreach (var purchase in other.Purchases)
        {
            InsertKeepingEqual(Purchases, purchase);
        }
        if (other.RecentIds.Count > 0)
        {
            var known = new Dictionary<ulong, int>(RecentIds.Count);
            for (var i = 0; i < RecentIds.Count; i++)
            {
                known[RecentIds[i].Id] = i;
            }
            foreach (var (id, day) in other.RecentIds)
            {
                if (!known.TryGetValue(id, out var at))
                {
                    known[id] = RecentIds.Count;
                    RecentIds.Add((id, day));
                }
                else if (RecentIds[at].Day < day)
                {
                    RecentIds[at] = (id, day);
                }
            }
        }
    }

    /// <summary>Adds the values of a sorted list of distinct values to another, keeping it sorted and distinct.</summary>
    internal static void UnionSorted(List<long> into, IReadOnlyList<long> from)
    {
        foreach (var value in from)
        {
            InsertSorted(into, value);
        }
    }

    /// <summary>
    /// Forgets the active days before <paramref name="cutoff"/> that no figure of a report day from there on reads: keeps the
    /// first day (new persons), the latest day before the cutoff (the previous active day, the latest by a day) and every
    /// day from the cutoff on. A sticky person's list then stays as long as the windows, not as their history.
    /// </summary>
    public void ForgetActiveDaysBefore(int cutoff)
    {
        var index = ActiveDays.BinarySearch(cutoff);
        index = index < 0 ? ~index : index;
        if (index >= 3)
        {
            ActiveDays.RemoveRange(1, index - 2);
        }
    }

    /// <summary>The latest active day at or before <paramref name="day"/>, or null when the person had none by then.</summary>
    public int? LatestActiveDayBy(int day)
    {
        var index = ActiveDays.BinarySearch(day);
        index = index >= 0 ? index : ~index - 1;
        return index >= 0 ? ActiveDays[index] : null;
    }

    /// <summary>Earlier time wins; on a tie the ordinally smaller value, so the outcome does not depend on arrival order.</summary>
    internal static bool Earlier(long at, string value, long currentAt, string? current) =>
        at < currentAt || (at == currentAt && string.CompareOrdinal(value, current) < 0);

    /// <summary>Inserts keeping the list sorted and every equal value: two purchases (or answers, or messages) alike are two.</summary>
    public static void InsertKeepingEqual<T>(List<T> list, T value) where T : IComparable<T>
    {
        var index = list.BinarySearch(value);
        list.Insert(index < 0 ? ~index : index, value);
    }

    /// <summary>Removes the values before <paramref name="cutoff"/> from a sorted list of distinct values: they are a prefix.</summary>
    public static void ForgetBefore(List<long> sorted, long cutoff)
    {
        var index = sorted.BinarySearch(cutoff);
        sorted.RemoveRange(0, index < 0 ? ~index : index);
    }

    public static void InsertSorted<T>(List<T> list, T value) where T : IComparable<T>
    {
        var index = list.BinarySearch(value);
        if (index < 0)
        {
            list.Insert(~index, value);
        }
    }
}
