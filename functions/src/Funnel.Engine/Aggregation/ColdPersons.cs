using System.Text.Json;
using Funnel.Events.Days;
using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// The cold segment of a shard: persons outside every report window, whose part in the day's figures no longer moves
/// with the calendar (no event in <see cref="ColdAfterDays"/> days, no purchase in <see cref="PayerWindowDays"/>, nothing
/// left in the fold's short-lived memories). They are kept as their snapshot bytes, unparsed, beside what each adds to a
/// day's figures; the daily pass parses a cold person only when they come back (an event, a joining device, an erasure),
/// and adds the segment's running totals instead of counting its persons one by one.
/// </summary>
public sealed class ColdPersons
{
    /// <summary>Days without an event before a person may go cold: the widest window that reads their activity (funnel cohorts).</summary>
    public static readonly int ColdAfterDays = new[]
    {
        FunnelMetric.CohortDays, RetentionMetric.CohortDays, ActivityMetric.MonthDays + 1,
        LifecycleMetric.ChurnedAfterDays + LifecycleMetric.KpiLookbackDays, WinBackMetric.CohortDays + WinBackMetric.AgainWithinDays,
        PurchaseMetric.CohortDays, SurveyMetric.AnswerDays, FeatureMetric.MonthDays, CampaignMetric.WindowDays,
    }.Max();

    /// <summary>Days after the last purchase before a payer may go cold: the widest window that sums purchases (90-day revenue).</summary>
    public static readonly int PayerWindowDays = new[] { LayerMetric.HighValueRevenueDays, LifecycleMetric.MatureRevenueDays, MoneyMetric.PayingDays, PurchaseMetric.CohortDays + PurchaseMetric.RepurchaseDays[^1] }.Max();

    private readonly Dictionary<string, ColdPerson> _persons = new(StringComparer.Ordinal);
    private readonly long[] _stages = new long[LifecycleMetric.Stages.Length];
    private readonly SortedDictionary<string, long[]> _stagesByChannel = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long[]> _stagesByPlatform = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _winBack = new(StringComparer.Ordinal);
    private readonly Dictionary<(int LastPurchaseDay, long Purchases, long Revenue4), long> _payers = [];
    private readonly SortedDictionary<int, SortedDictionary<string, (long Persons, long Revenue4)>> _ltvByFirstDay = [];

    /// <summary>Funnel step slots of the persons' stored bytes.</summary>
    public int StepSlots { get; set; }

    public int Count => _persons.Count;

    public IReadOnlyDictionary<string, ColdPerson> Persons => _persons;

    public bool Contains(string key) => _persons.ContainsKey(key);

    public void Add(string key, ColdPerson person)
    {
        ArgumentNullException.ThrowIfNull(key);
        _persons.Add(key, person);
        Tally(key, person.Contribution, +1);
    }

    /// <summary>Takes the person out of the segment and its totals.</summary>
    public bool TryRemove(string key, out ColdPerson person)
    {
        if (!_persons.Remove(key, out person))
        {
            return false;
        }
        Tally(key, person.Contribution, -1);
        return true;
    }

    /// <summary>The person's state, parsed from its stored bytes (the person stays cold).</summary>
    public PersonState Parse(ColdPerson person)
    {
        // The bytes are a slice of the snapshot's payload (or an array of their own): read in place, not copied.
        var state = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(person.State, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(person.State.ToArray(), writable: false);
        using var reader = new BinaryReader(state);
        // Bytes kept from a version-4 snapshot end before the survey answers and feature days (a cold person has none).
        return StateSnapshot.ReadPerson(reader, StepSlots, writtenIn: null);
    }

    /// <summary>Adds every cold person's part in the figures of report day <paramref name="day"/>: the same as counting each of them.</summary>
    public void AddTo(ReportFigures figures, int day)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var lifecycle = figures.Lifecycle;
        foreach (var stage in (ReadOnlySpan<int>)[LifecycleMetric.Potential, LifecycleMetric.Churned])
        {
            var persons = _stages[stage];
            lifecycle.Stages[stage] += persons;
            lifecycle.Transitions[(stage + 1) * LifecycleMetric.Stages.Length + stage] += persons;
        }
        FigureCounts.MergeCounts(lifecycle.StagesByChannel, _stagesByChannel);
        FigureCounts.MergeCounts(lifecycle.StagesByPlatform, _stagesByPlatform);
        lifecycle.PotentialWeekAgo += _stages[LifecycleMetric.Potential];
        lifecycle.ChurnedWeekAgo += _stages[LifecycleMetric.Churned];
        figures.Layers.Dormant.Persons += _persons.Count;
        foreach (var (person, lastActive) in _winBack)
        {
            figures.Audiences.WinBack.Add(new AudienceMember(person, lastActive));
        }
        foreach (var ((lastPurchaseDay, purchases, revenue4), payers) in _payers)
        {
            figures.Rfm.Alike.Add(new RfmPayers(new RfmPayer(day - lastPurchaseDay, purchases, revenue4 / (double)ReportNumbers.MoneyUnit), payers));
        }
        foreach (var (firstDay, channels) in _ltvByFirstDay)
        {
            if (firstDay <= day - MoneyMetric.LtvDays && firstDay > day - MoneyMetric.LtvDays - MoneyMetric.LtvCohortDays)
            {
                foreach (var (name, (persons, revenue4)) in channels)
                {
                    var channel = figures.Money.Channel(name);
                    channel.LtvPersons += persons;
                    channel.LtvRevenue4 += revenue4;
                }
            }
        }
    }

    /// <summary>Whether the person is outside every window on report day <paramref name="day"/> and stays so until their next event.</summary>
    public static bool IsQuiet(PersonState person, int day, ZoneDays days)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(days);
        return person.ActiveDays.Count > 0
            && person.ActiveDays[^1] <= day - ColdAfterDays
            && person.RecentIds.Count == 0 && person.RecentInstants.Count == 0 && person.IntentInstants.Count == 0 && person.SurveyAnswers.Count == 0 && person.FeatureDays.Count == 0 && person.SessionInstants.Count == 0 && person.Touches.Count == 0
            && (person.Purchases.Count == 0 || days.DayOf(person.Purchases[^1].At) <= day - PayerWindowDays);
    }

    /// <summary>
    /// Whether counting the person on report day <paramref name="day"/> gives exactly what the cold totals would add for
    /// them: the guard that keeps a person hot whenever a family counts something this segment does not model.
    /// </summary>
    public static bool CountsAsCold(string key, PersonState person, ColdContribution contribution, CountingDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        var counted = new ReportFigures();
        MetricFamilies.Count(key, person, day, counted);
        var alone = new ColdPersons();
        alone.Tally(key, contribution, +1);
        alone._persons.Add(key, new ColdPerson(ReadOnlyMemory<byte>.Empty, contribution));
        var modelled = new ReportFigures();
        alone.AddTo(modelled, day.Day);
        modelled.Rfm.Payers.AddRange(modelled.Rfm.AllPayers());
        modelled.Rfm.Alike.Clear();
        return JsonSerializer.SerializeToUtf8Bytes(counted).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(modelled));
    }

    /// <summary>Moves one person in or out of a value's stage count, dropping the value when nobody is left in it.</summary>
    private static void TallyStage(SortedDictionary<string, long[]> by, string value, int stage, int sign)
    {
        if (!by.TryGetValue(value, out var counts))
        {
            by[value] = counts = new long[LifecycleMetric.Stages.Length];
        }
        counts[stage] += sign;
        if (counts.All(c => c == 0))
        {
            by.Remove(value);
        }
    }

    private void Tally(string key, ColdContribution c, int sign)
    {
        _stages[c.Stage] += sign;
        TallyStage(_stagesByChannel, c.Channel, c.Stage, sign);
        TallyStage(_stagesByPlatform, c.Platform, c.Stage, sign);
        if (c.Stage == LifecycleMetric.Churned)
        {
            if (sign > 0)
            {
                _winBack[key] = c.LastActiveDay;
            }
            else
            {
                _winBack.Remove(key);
            }
        }
        if (c.Purchases > 0)
        {
            var cell = (c.LastPurchaseDay, c.Purchases, c.Revenue4);
            var payers = _payers.GetValueOrDefault(cell) + sign;
            if (payers == 0)
            {
                _payers.Remove(cell);
            }
            else
            {
                _payers[cell] = payers;
            }
        }
        if (!_ltvByFirstDay.TryGetValue(c.FirstDay, out var channels))
        {
            _ltvByFirstDay[c.FirstDay] = channels = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
        }
        var (persons, revenue4) = channels.GetValueOrDefault(c.Channel);
        if (persons + sign == 0)
        {
            channels.Remove(c.Channel);
            if (channels.Count == 0)
            {
                _ltvByFirstDay.Remove(c.FirstDay);
            }
        }
        else
        {
            channels[c.Channel] = (persons + sign, revenue4 + sign * c.LtvRevenue4);
        }
    }
}

/// <summary>A cold person: their snapshot bytes and what they add to every day's figures while cold.</summary>
public readonly record struct ColdPerson(ReadOnlyMemory<byte> State, ColdContribution Contribution);

/// <summary>
/// What a cold person adds to a day's figures, none of it moving with the calendar except through the report day itself:
/// their lifecycle stage (potential or churned) and last active day (the win-back audience), their RFM inputs (recency is
/// the report day less <see cref="LastPurchaseDay"/>), and their first day, channel and 90-day revenue for the LTV cohort.
/// </summary>
public readonly record struct ColdContribution(int Stage, int LastActiveDay, int FirstDay, string Channel, long LtvRevenue4, int LastPurchaseDay, long Purchases, long Revenue4, string Platform)
{
    private const long DayMs = 86_400_000;

    public static ColdContribution Of(PersonState person, ZoneDays days)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(days);
        long ltv = 0, revenue = 0;
        var lastPurchaseDay = -1;
        var ltvUntil = person.FirstSeen + MoneyMetric.LtvDays * DayMs;
        foreach (var (at, amount) in person.Purchases)
        {
            revenue += amount;
            ltv += at < ltvUntil ? amount : 0;
            lastPurchaseDay = Math.Max(lastPurchaseDay, days.DayOf(at));
        }
        return new ColdContribution(
            person.SignupAt == long.MaxValue ? LifecycleMetric.Potential : LifecycleMetric.Churned,
            person.ActiveDays[^1],
            days.DayOf(person.FirstSeen),
            person.ChannelOrDirect,
            ltv,
            lastPurchaseDay,
            person.Purchases.Count,
            revenue,
            person.PlatformOrUnknown);
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write((byte)Stage);
        writer.Write(LastActiveDay);
        writer.Write(FirstDay);
        writer.Write(Channel);
        writer.Write7BitEncodedInt64(LtvRevenue4);
        writer.Write(LastPurchaseDay);
        writer.Write7BitEncodedInt64(Purchases);
        writer.Write7BitEncodedInt64(Revenue4);
        writer.Write(Platform);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; before snapshot version 5 there was no platform (<paramref name="withPlatform"/> false: the caller fills it in).</summary>
    internal static ColdContribution Read(BinaryReader reader, bool withPlatform = true)
    {
        var stage = reader.ReadByte();
        if (stage is not (LifecycleMetric.Potential or LifecycleMetric.Churned))
        {
            throw new FormatException($"a cold person in stage {stage}, which is neither potential nor churned");
        }
        return new(stage, reader.ReadInt32(), reader.ReadInt32(), reader.ReadString(), reader.Read7BitEncodedInt64(),
            reader.ReadInt32(), reader.Read7BitEncodedInt64(), reader.Read7BitEncodedInt64(), withPlatform ? reader.ReadString() : string.Empty);
    }
}

/// <summary>The step of the daily pass that moves persons who left every window into the shard's cold segment.</summary>
internal static class ColdPass
{
    /// <summary>
    /// Moves the hot persons quiet on report day <paramref name="day"/> whose count the cold totals reproduce, and trims the
    /// others' active days to what the windows read; returns how many went cold.
    /// </summary>
    public static int Cool(ShardState state, int day, EventFold fold)
    {
        var countingDay = new CountingDay(day, fold.Definitions, fold.Days, fold.Slots);
        state.Cold.StepSlots = fold.Slots.Count;
        var cooled = new List<string>();
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        foreach (var (key, person) in state.Persons)
        {
            // The windows read no active day this old again (the widest, retention's, reaches 30 days back).
            person.ForgetActiveDaysBefore(day - ColdPersons.ColdAfterDays + 1);
            FunnelMetric.Forget(person, fold.Slots, fold.Definitions);
            if (!ColdPersons.IsQuiet(person, day, fold.Days))
            {
                continue;
            }
            var contribution = ColdContribution.Of(person, fold.Days);
            if (!ColdPersons.CountsAsCold(key, person, contribution, countingDay))
            {
                continue;
            }
            buffer.SetLength(0);
            StateSnapshot.WritePerson(writer, person);
            writer.Flush();
            state.Cold.Add(key, new ColdPerson(buffer.ToArray(), contribution));
            cooled.Add(key);
        }
        foreach (var key in cooled)
        {
            state.Persons.Remove(key);
        }
        return cooled.Count;
    }
}
