namespace Funnel.Domain.Aggregation;

/// <summary>
/// Everything the metrics need to know about one person, folded from their events in any order.
/// Every update is a min or a set insert, so the state does not depend on the order events arrive in.
/// </summary>
public sealed class PersonState
{
    private static readonly Dictionary<string, (long At, string Variant)> NoExposures = [];
    private List<long>?[]? _stepTimes;
    private Dictionary<string, (long At, string Variant)>? _exposures;

    public PersonState(int stepSlots) => StepSlots = stepSlots;

    /// <summary>How many funnel steps (over all funnels) the state has room for.</summary>
    public int StepSlots { get; }

    /// <summary>Earliest event time (Unix ms).</summary>
    public long FirstSeen { get; set; } = long.MaxValue;

    /// <summary>注册 signup: earliest signup event, or <see cref="long.MaxValue"/>.</summary>
    public long SignupAt { get; set; } = long.MaxValue;

    /// <summary>Time of the earliest event that named a channel, and that channel (first touch).</summary>
    public long ChannelAt { get; set; } = long.MaxValue;
    public string? Channel { get; set; }

    public long PlatformAt { get; set; } = long.MaxValue;
    public string? Platform { get; set; }

    /// <summary>Per funnel step (flattened over funnels): sorted distinct times of matching events; entry steps keep only the earliest. Null when none.</summary>
    public List<long>? StepTimesAt(int slot) => _stepTimes?[slot];

    /// <summary>The step's times, created on first use: most persons never reach a funnel, so nothing is allocated for them.</summary>
    public List<long> StepTimesFor(int slot) => (_stepTimes ??= new List<long>?[StepSlots])[slot] ??= [];

    /// <summary>Sorted day numbers (reporting zone) with any activity.</summary>
    public List<int> ActiveDays { get; } = [];

    /// <summary>Distinct event times of the last weeks, kept while the person can still be in a rolling-retention cohort.</summary>
    public List<long> RecentInstants { get; } = [];

    /// <summary>Purchases: time and revenue in ten-thousandths of the currency unit, sorted.</summary>
    public List<(long At, long Revenue4)> Purchases { get; } = [];

    /// <summary>First exposure per experiment: time and variant.</summary>
    public IReadOnlyDictionary<string, (long At, string Variant)> Exposures => _exposures ?? NoExposures;

    public void SetExposure(string experiment, long at, string variant) =>
        (_exposures ??= new Dictionary<string, (long, string)>(StringComparer.Ordinal))[experiment] = (at, variant);

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
