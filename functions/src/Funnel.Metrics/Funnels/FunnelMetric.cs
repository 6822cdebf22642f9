using System.Text.Json.Serialization;
using Funnel.Events;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    private List<long>?[]? _stepTimes;

    /// <summary>How many funnel steps (over all funnels) the state has room for.</summary>
    public int StepSlots { get; }

    /// <summary>Per funnel step (flattened over funnels): sorted distinct times of matching events; entry steps keep only the earliest. Null when none.</summary>
    public List<long>? StepTimesAt(int slot) => _stepTimes?[slot];

    /// <summary>The step's times, created on first use: most persons never reach a funnel, so nothing is allocated for them.</summary>
    public List<long> StepTimesFor(int slot) => (_stepTimes ??= new List<long>?[StepSlots])[slot] ??= [];
}

/// <summary>
/// 漏斗 funnels: a person enters at their first step-1 event; step k is reached at the first step-k event
/// strictly after step k-1 and within its window. Cohorts by entry day, with conversion times and
/// breakdowns by first-touch channel, platform and experiment variant.
/// </summary>
public static class FunnelMetric
{
    /// <summary>Funnel cohorts of the newest 40 days enter the report; breakdowns sum over the same days.</summary>
    public const int CohortDays = 40;

    private const long DayMs = 86_400_000;

    internal static void Observe(PersonState person, ProductEvent e, StepSlots slots)
    {
        foreach (var slot in slots.CandidatesFor(e))
        {
            if (!slots.Matches(slot, e))
            {
                continue;
            }
            var times = person.StepTimesFor(slot);
            if (!slots.IsEntry(slot))
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

    /// <summary>Entry steps keep the earlier time, the other steps every time of both.</summary>
    internal static void Merge(PersonState person, PersonState other, StepSlots slots)
    {
        for (var slot = 0; slot < person.StepSlots; slot++)
        {
            if (other.StepTimesAt(slot) is not { Count: > 0 } times)
            {
                continue;
            }
            var into = person.StepTimesFor(slot);
            if (!slots.IsEntry(slot))
            {
                PersonState.UnionSorted(into, times);
            }
            else if (into.Count == 0)
            {
                into.Add(times[0]);
            }
            else if (times[0] < into[0])
            {
                into[0] = times[0];
            }
        }
    }

    internal static void Count(PersonState person, CountingDay day, List<FunnelFigures> figures)
    {
        var funnels = day.Definitions.Funnels;
        for (var f = 0; f < funnels.Count; f++)
        {
            CountFunnel(person, day, f, funnels[f].Steps, figures);
        }
    }

    private static void CountFunnel(PersonState person, CountingDay day, int f, IReadOnlyList<FunnelStep> steps, List<FunnelFigures> figures)
    {
        var entry = person.StepTimesAt(day.Slots.SlotOf(f, 0));
        if (entry is not { Count: > 0 })
        {
            return;
        }
        var at = entry[0];
        var cohortDay = day.DayOf(at);
        if (cohortDay > day.Day || cohortDay <= day.Day - day.FunnelCohortDays)
        {
            return;
        }
        var funnel = FunnelFigures.At(figures, f);
        var cohort = funnel.Cohorts.GetOrAdd(cohortDay, static n => new FunnelCohortFigures(n), steps.Count);
        var reached = 1;
        for (var k = 1; k < steps.Count; k++)
        {
            var next = FirstAfter(person.StepTimesAt(day.Slots.SlotOf(f, k)), at);
            if (next is not { } t || t > at + steps[k].WindowDays!.Value * DayMs)
            {
                break;
            }
            cohort.Seconds[k].Add((t - at) / 1000.0);
            at = t;
            reached++;
        }
        for (var k = 0; k < reached; k++)
        {
            cohort.Reached[k]++;
        }
        AddReached(funnel.Channel.GetOrAdd(person.ChannelOrDirect, static n => new long[n], steps.Count), reached);
        AddReached(funnel.Platform.GetOrAdd(person.PlatformOrUnknown, static n => new long[n], steps.Count), reached);
        foreach (var (experiment, (_, variant)) in person.Exposures)
        {
            var variants = funnel.Variant.GetOrAdd(experiment, () => new SortedDictionary<string, long[]>(StringComparer.Ordinal));
            AddReached(variants.GetOrAdd(variant, static n => new long[n], steps.Count), reached);
        }
    }

    /// <summary>
    /// Forgets the step times no cohort can read again: step k is reached at most the sum of the windows of steps 1..k after
    /// the entry, and the entry only ever moves earlier, so later times of a person who has entered are never the first after
    /// the previous step within its window.
    /// </summary>
    internal static void Forget(PersonState person, StepSlots slots, MetricDefinitions definitions)
    {
        var funnels = definitions.Funnels;
        for (var f = 0; f < funnels.Count; f++)
        {
            if (person.StepTimesAt(slots.SlotOf(f, 0)) is not { Count: > 0 } entry)
            {
                continue;
            }
            var horizon = entry[0];
            var steps = funnels[f].Steps;
            for (var k = 1; k < steps.Count; k++)
            {
                horizon += steps[k].WindowDays!.Value * DayMs;
                if (person.StepTimesAt(slots.SlotOf(f, k)) is not { Count: > 0 } times)
                {
                    continue;
                }
                var index = times.BinarySearch(horizon + 1);
                index = index < 0 ? ~index : index;
                times.RemoveRange(index, times.Count - index);
            }
        }
    }

    /// <summary>When the person reached step <paramref name="step"/> of funnel <paramref name="f"/> (each step within its window of the one before), or null.</summary>
    internal static long? ReachedAt(PersonState person, CountingDay day, int f, int step)
    {
        var steps = day.Definitions.Funnels[f].Steps;
        if (person.StepTimesAt(day.Slots.SlotOf(f, 0)) is not { Count: > 0 } entry)
        {
            return null;
        }
        var at = entry[0];
        for (var k = 1; k <= step; k++)
        {
            if (FirstAfter(person.StepTimesAt(day.Slots.SlotOf(f, k)), at) is not { } t || t > at + steps[k].WindowDays!.Value * DayMs)
            {
                return null;
            }
            at = t;
        }
        return at;
    }

    private static void AddReached(long[] counts, int reached)
    {
        for (var k = 0; k < reached; k++)
        {
            counts[k]++;
        }
    }

    private static long? FirstAfter(List<long>? times, long at)
    {
        if (times is null)
        {
            return null;
        }
        var index = times.BinarySearch(at + 1);
        index = index < 0 ? ~index : index;
        return index < times.Count ? times[index] : null;
    }

    /// <summary>The funnel's report block for report day <paramref name="d"/>.</summary>
    public static FunnelReport Report(FunnelDefinition funnel, FunnelFigures? figures, int d)
    {
        ArgumentNullException.ThrowIfNull(funnel);
        figures ??= new FunnelFigures();
        var stepCount = funnel.Steps.Count;
        var cumulativeWindow = new int[stepCount];
        for (var k = 1; k < stepCount; k++)
        {
            cumulativeWindow[k] = cumulativeWindow[k - 1] + funnel.Steps[k].WindowDays!.Value;
        }
        var cohorts = new List<FunnelCohortReport>();
        foreach (var (cohort, counts) in figures.Cohorts)
        {
            if (cohort <= d - CohortDays || cohort > d || counts.Reached[0] == 0)
            {
                continue;
            }
            // A step is mature once a person entering at the very end of the cohort day has had every window up to it.
            var steps = StepCounts(counts.Reached, stepCount, k => cohort + cumulativeWindow[k] <= d);
            var times = Enumerable.Range(0, stepCount).Select(k => k == 0 ? null : ReportNumbers.Percentiles(counts.Seconds[k])).ToList();
            cohorts.Add(new FunnelCohortReport(ReportNumbers.Day(cohort), steps, times));
        }
        return new FunnelReport(
            funnel.Name,
            funnel.Steps.Select(s => new StepDefinitionReport(s.Name, s.WindowDays, s.Labels)).ToList(),
            cohorts,
            new FunnelBreakdowns(Rows(figures.Channel, null, stepCount), Rows(figures.Platform, null, stepCount), VariantRows(figures, stepCount)));
    }

    /// <summary>The variant breakdown: one row per (experiment, variant), experiments and variants in ordinal order.</summary>
    public static List<BreakdownRow> VariantRows(FunnelFigures figures, int stepCount)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return figures.Variant.SelectMany(x => Rows(x.Value, x.Key, stepCount)).ToList();
    }

    // Summed over cohorts of different ages, a breakdown is only mature at its entry step.
    private static List<BreakdownRow> Rows(SortedDictionary<string, long[]> byValue, string? experiment, int stepCount) =>
        byValue.Select(x => new BreakdownRow(x.Key, experiment, StepCounts(x.Value, stepCount, k => k == 0))).ToList();

    private static List<StepCount> StepCounts(long[] counts, int stepCount, Func<int, bool> mature)
    {
        long At(int k) => k < counts.Length ? counts[k] : 0;
        return Enumerable.Range(0, stepCount)
            .Select(k => new StepCount(At(k), ReportNumbers.Rate(At(k), At(0)), ReportNumbers.Rate(At(k), At(k == 0 ? 0 : k - 1)), mature(k)))
            .ToList();
    }
}

/// <summary>One funnel's figures: step counts and conversion times per entry-day cohort, step counts per breakdown value.</summary>
public sealed class FunnelFigures
{
    [JsonPropertyName("cohorts")]
    public SortedDictionary<int, FunnelCohortFigures> Cohorts { get; init; } = new();

    [JsonPropertyName("channel")]
    public SortedDictionary<string, long[]> Channel { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("platform")]
    public SortedDictionary<string, long[]> Platform { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Experiment → variant → step counts.</summary>
    [JsonPropertyName("variant")]
    public SortedDictionary<string, SortedDictionary<string, long[]>> Variant { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The figures of funnel <paramref name="f"/>, added (empty) when the list is shorter.</summary>
    public static FunnelFigures At(List<FunnelFigures> funnels, int f)
    {
        ArgumentNullException.ThrowIfNull(funnels);
        while (funnels.Count <= f)
        {
            funnels.Add(new FunnelFigures());
        }
        return funnels[f];
    }

    internal static void MergeInto(List<FunnelFigures> into, List<FunnelFigures> from)
    {
        for (var f = 0; f < from.Count; f++)
        {
            At(into, f).Merge(from[f]);
        }
    }

    private void Merge(FunnelFigures other)
    {
        foreach (var (day, cohort) in other.Cohorts)
        {
            Cohorts.GetOrAdd(day, static n => new FunnelCohortFigures(n), cohort.Reached.Length).Merge(cohort);
        }
        FigureCounts.MergeCounts(Channel, other.Channel);
        FigureCounts.MergeCounts(Platform, other.Platform);
        foreach (var (experiment, variants) in other.Variant)
        {
            FigureCounts.MergeCounts(Variant.GetOrAdd(experiment, () => new SortedDictionary<string, long[]>(StringComparer.Ordinal)), variants);
        }
    }
}

/// <summary>Persons of one entry-day cohort who reached each step, and the seconds each took from the previous step (index 0 unused).</summary>
public sealed class FunnelCohortFigures
{
    [JsonConstructor]
    public FunnelCohortFigures(long[] reached, List<double>[] seconds) => (Reached, Seconds) = (reached, seconds);

    public FunnelCohortFigures(int steps)
        : this(new long[steps], Enumerable.Range(0, steps).Select(_ => new List<double>()).ToArray())
    {
    }

    [JsonPropertyName("reached")]
    public long[] Reached { get; private set; }

    [JsonPropertyName("seconds")]
    public List<double>[] Seconds { get; private set; }

    internal void Merge(FunnelCohortFigures other)
    {
        Reached = FigureCounts.AddInto(Reached, other.Reached);
        if (Seconds.Length < other.Seconds.Length)
        {
            Seconds = [.. Seconds, .. other.Seconds[Seconds.Length..].Select(_ => new List<double>())];
        }
        for (var k = 0; k < other.Seconds.Length; k++)
        {
            Seconds[k].AddRange(other.Seconds[k]);
        }
    }
}
