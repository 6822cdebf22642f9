namespace Funnel.Domain.Aggregation;

/// <summary>
/// Everything the metrics need to know about one person, folded from their events in any order.
/// Every update is a min or a set insert, so the state does not depend on the order events arrive in.
/// </summary>
public sealed class PersonState
{
    public PersonState(int stepSlots) => StepTimes = new List<long>?[stepSlots];

    /// <summary>Earliest event time (Unix ms).</summary>
    public long FirstSeen { get; set; } = long.MaxValue;

    /// <summary>注册 signup: earliest signup event, or <see cref="long.MaxValue"/>.</summary>
    public long SignupAt { get; set; } = long.MaxValue;

    /// <summary>Time of the earliest event that named a channel, and that channel (first touch).</summary>
    public long ChannelAt { get; set; } = long.MaxValue;
    public string? Channel { get; set; }

    public long PlatformAt { get; set; } = long.MaxValue;
    public string? Platform { get; set; }

    /// <summary>Per funnel step (flattened over funnels): sorted distinct times of matching events; entry steps keep only the earliest.</summary>
    public List<long>?[] StepTimes { get; }

    /// <summary>Sorted day numbers (reporting zone) with any activity.</summary>
    public List<int> ActiveDays { get; } = [];

    /// <summary>Distinct event times of the last weeks, kept while the person can still be in a rolling-retention cohort.</summary>
    public List<long> RecentInstants { get; } = [];

    /// <summary>Purchases: time and revenue in ten-thousandths of the currency unit, sorted.</summary>
    public List<(long At, long Revenue4)> Purchases { get; } = [];

    /// <summary>First exposure per experiment: time and variant.</summary>
    public Dictionary<string, (long At, string Variant)> Exposures { get; } = new(StringComparer.Ordinal);

    /// <summary>Hashes of message ids seen in the dedup window, with the processing day they were seen.</summary>
    public List<(ulong Id, int Day)> RecentIds { get; } = [];

    public static void InsertSorted<T>(List<T> list, T value) where T : IComparable<T>
    {
        var index = list.BinarySearch(value);
        if (index < 0)
        {
            list.Insert(~index, value);
        }
    }
}
