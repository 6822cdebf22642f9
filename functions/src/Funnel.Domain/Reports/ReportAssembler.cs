using System.Globalization;
using Funnel.Domain.Aggregation;

namespace Funnel.Domain.Reports;

/// <summary>What a report is computed over, besides the figures.</summary>
public sealed record ReportContext(DateOnly Day, string TimeZone, DateOnly FirstRawDay, DateTimeOffset GeneratedAt, MetricDefinitions Definitions)
{
    /// <summary>Set for a run of a day that has not closed yet: the report covers data up to this instant and says it is provisional.</summary>
    public DateTimeOffset? ProvisionalThrough { get; init; }
}

/// <summary>Turns merged figures into the report: rates, maturity, exact percentiles, stable ordering.</summary>
public static class ReportAssembler
{
    public const string EngineVersion = "0.1.0";

    public static DailyReport Assemble(ReportFigures figures, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(context);
        var d = context.Day.DayNumber;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(context.TimeZone);
        var funnels = context.Definitions.Funnels.Select((funnel, f) => Funnel(figures, funnel, f, d)).ToList();
        var events = figures.Events;
        return new DailyReport(
            1,
            Day(d),
            context.TimeZone,
            context.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            context.Definitions.Currency,
            new ReportManifest(
                context.Definitions.Hash,
                context.ProvisionalThrough is { } through ? Instant(through, zone) : DataThrough(context.Day, zone),
                new RawDays(Day(context.FirstRawDay.DayNumber), Day(d)),
                EngineVersion,
                context.ProvisionalThrough is not null),
            new EventCounts(events.Folded, events.DuplicatesDropped, events.Late, events.Malformed),
            funnels,
            Retention(figures, d, zone),
            Activity(figures),
            Layers(figures),
            Rfm(figures),
            Money(figures, context.Definitions),
            Experiments(figures, context.Definitions));
    }

    private static FunnelReport Funnel(ReportFigures figures, FunnelDefinition funnel, int f, int d)
    {
        var stepCount = funnel.Steps.Count;
        var cumulativeWindow = new int[stepCount];
        for (var k = 1; k < stepCount; k++)
        {
            cumulativeWindow[k] = cumulativeWindow[k - 1] + funnel.Steps[k].WindowDays!.Value;
        }
        var cohorts = new List<FunnelCohortReport>();
        for (var cohort = d - ShardFigures.FunnelCohortDays + 1; cohort <= d; cohort++)
        {
            var counts = Enumerable.Range(0, stepCount).Select(k => figures.Count(FigureKeys.FunnelStep(f, cohort, k))).ToArray();
            if (counts[0] == 0)
            {
                continue;
            }
            // A step is mature once a person entering at the very end of the cohort day has had every window up to it.
            var steps = StepCounts(counts, k => cohort + cumulativeWindow[k] <= d);
            var times = Enumerable.Range(0, stepCount)
                .Select(k => k == 0 ? null : Percentiles(figures.Values.GetValueOrDefault(FigureKeys.FunnelStep(f, cohort, k))))
                .ToList();
            cohorts.Add(new FunnelCohortReport(Day(cohort), steps, times));
        }
        return new FunnelReport(
            funnel.Name,
            funnel.Steps.Select(s => new StepDefinitionReport(s.Name, s.WindowDays)).ToList(),
            cohorts,
            new FunnelBreakdowns(Breakdown(figures, f, "channel", stepCount), Breakdown(figures, f, "platform", stepCount), Breakdown(figures, f, "variant", stepCount)));
    }

    private static List<BreakdownRow> Breakdown(ReportFigures figures, int f, string dimension, int stepCount)
    {
        var prefix = FigureKeys.BreakdownPrefix(f, dimension);
        var rows = figures.Counts.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('|'))
            .Select(parts => (Experiment: parts[0].Length == 0 ? null : parts[0], Value: parts[1]))
            .Distinct()
            .OrderBy(r => r.Experiment, StringComparer.Ordinal).ThenBy(r => r.Value, StringComparer.Ordinal);
        return rows.Select(r =>
        {
            var counts = Enumerable.Range(0, stepCount).Select(k => figures.Count(FigureKeys.Breakdown(f, dimension, r.Experiment, r.Value, k))).ToArray();
            // Summed over cohorts of different ages, a breakdown is only mature at its entry step.
            return new BreakdownRow(r.Value, r.Experiment, StepCounts(counts, k => k == 0));
        }).ToList();
    }

    private static List<StepCount> StepCounts(long[] counts, Func<int, bool> mature) =>
        counts.Select((count, k) => new StepCount(count, Rate(count, counts[0]), k == 0 ? Rate(count, counts[0]) : Rate(count, counts[k - 1]), mature(k))).ToList();

    /// <summary>
    /// Experiments from the first funnel's variant breakdown: exposed persons who entered it in the
    /// cohort window, their conversion to each step, and the test on the conversion step against control
    /// (the variant named control, else the first by name). The expected split is even.
    /// </summary>
    private static List<ExperimentReport> Experiments(ReportFigures figures, MetricDefinitions definitions)
    {
        const int funnel = 0;
        var steps = definitions.Funnels[funnel].Steps;
        var step = Math.Clamp(definitions.ExperimentConversionStep, 1, steps.Count - 1);
        var rows = Breakdown(figures, funnel, "variant", steps.Count);
        var reports = new List<ExperimentReport>();
        foreach (var experiment in rows.GroupBy(r => r.Experiment ?? string.Empty).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var variants = experiment.OrderBy(r => r.Value, StringComparer.Ordinal).ToList();
            var control = variants.FirstOrDefault(v => v.Value == definitions.ControlVariant) ?? variants[0];
            long Exposed(BreakdownRow r) => r.Steps[0].Count;
            long Converted(BreakdownRow r) => r.Steps[step].Count;
            var controlRate = Rate(Converted(control), Exposed(control));
            var total = variants.Sum(Exposed);
            var observed = variants.Select(Exposed).ToList();
            var sampleRatio = new SampleRatio(
                variants.ToDictionary(v => v.Value, _ => Math.Round(1.0 / variants.Count, 6)),
                variants.ToDictionary(v => v.Value, v => Rate(Exposed(v), total)),
                Finite(Statistics.SampleRatioPValue(observed, observed.Select(_ => 1.0).ToList())));
            var variantReports = variants.Select(v =>
            {
                var isControl = ReferenceEquals(v, control);
                var (pValue, low, high) = Statistics.TwoProportionTest(Converted(control), Exposed(control), Converted(v), Exposed(v));
                var rate = Rate(Converted(v), Exposed(v));
                return new VariantReport(
                    v.Value, Exposed(v), Converted(v), rate,
                    isControl || controlRate == 0 ? null : Math.Round(rate / controlRate - 1, 6),
                    isControl ? null : Finite(pValue),
                    isControl || !double.IsFinite(low) ? null : [Math.Round(low, 6), Math.Round(high, 6)],
                    v.Steps.Select(s => new VariantStep(s.Count, s.Rate)).ToList());
            }).ToList();
            reports.Add(new ExperimentReport(experiment.Key, control.Value, sampleRatio, steps[step].Name, variantReports));
        }
        return reports;
    }

    private static LayersReport Layers(ReportFigures figures)
    {
        long Get(string name) => figures.Count(FigureKeys.Layer(name));
        double Conversion(string name) => Rate(Get(name + "|paid"), Get(name));
        // High value: the top 20% of payers by 90-day revenue (ties at the boundary included).
        var revenue90 = figures.Values.GetValueOrDefault(FigureKeys.Revenue90) ?? [];
        long highValue = 0;
        if (revenue90.Count > 0)
        {
            var threshold = revenue90.OrderDescending().ElementAt((int)Math.Ceiling(0.2 * revenue90.Count) - 1);
            highValue = revenue90.Count(v => v >= threshold);
        }
        return new LayersReport(Get("new"), Get("active"), highValue, Get("dormant"), Get("activeNeverPaid"),
            new LayerConversion(Conversion("new"), Conversion("active"), Conversion("activeNeverPaid")));
    }

    /// <summary>
    /// RFM quintile scores 1-5 among payers: a score is 1 + ⌊5 × (payers strictly worse) / payers⌋, so ties share a
    /// score; recency is better when smaller, frequency and monetary when larger.
    /// </summary>
    private static RfmReport Rfm(ReportFigures figures)
    {
        var triples = figures.Values.GetValueOrDefault(FigureKeys.RfmTriples) ?? [];
        var payers = Enumerable.Range(0, triples.Count / 3).Select(i => (R: triples[3 * i], F: triples[3 * i + 1], M: triples[3 * i + 2])).ToList();
        var recency = payers.Select(p => p.R).Order().ToArray();
        var frequency = payers.Select(p => p.F).Order().ToArray();
        var monetary = payers.Select(p => p.M).Order().ToArray();
        int Score(int worse) => Math.Min(5, 1 + 5 * worse / payers.Count);
        int Below(double[] sorted, double v) => LowerBound(sorted, v);
        int Above(double[] sorted, double v) => sorted.Length - UpperBound(sorted, v);
        var scored = payers.Select(p => (R: Score(Above(recency, p.R)), F: Score(Below(frequency, p.F)), M: Score(Below(monetary, p.M)))).ToList();
        var counts = scored.GroupBy(s => s).ToDictionary(g => g.Key, g => (long)g.Count());
        var cells = new List<RfmCell>();
        for (var r = 5; r >= 1; r--)
        {
            for (var f = 5; f >= 1; f--)
            {
                for (var m = 5; m >= 1; m--)
                {
                    cells.Add(new RfmCell(r, f, m, counts.GetValueOrDefault((r, f, m))));
                }
            }
        }
        static string Group((int R, int F, int M) s) => s switch
        {
            { R: >= 4, F: >= 4, M: >= 4 } => "champions",
            { F: >= 4 } => "loyal",
            { R: >= 4, F: 1 } => "new customers",
            { R: <= 2, F: >= 3 } => "at risk",
            { R: <= 2, F: <= 2 } => "hibernating",
            _ => "others",
        };
        string[] order = ["champions", "loyal", "new customers", "at risk", "hibernating", "others"];
        var groups = order.Select(name => new RfmGroup(name, scored.LongCount(s => Group(s) == name))).ToList();
        return new RfmReport(cells, groups);
    }

    private static int LowerBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static int UpperBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static MoneyReport Money(ReportFigures figures, MetricDefinitions definitions)
    {
        var paying = figures.Count(FigureKeys.Money("paying"));
        var mau = figures.Count(FigureKeys.Activity("mau"));
        var revenue = figures.Count(FigureKeys.Money("revenue4")) / 10_000m;
        decimal PerPerson(long persons) => persons == 0 ? 0 : Math.Round(revenue / persons, 2, MidpointRounding.AwayFromZero);
        var channels = (definitions.ChannelDailyCosts ?? new Dictionary<string, decimal>())
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c =>
            {
                var newPersons = figures.Count(FigureKeys.Channel(c.Key, "new"));
                var cost = c.Value * 30;
                decimal? cac = newPersons == 0 ? null : Math.Round(cost / newPersons, 2, MidpointRounding.AwayFromZero);
                var ltvPersons = figures.Count(FigureKeys.Channel(c.Key, "ltvPersons"));
                decimal? ltv = ltvPersons == 0 ? null : Math.Round(figures.Count(FigureKeys.Channel(c.Key, "ltvRevenue4")) / 10_000m / ltvPersons, 2, MidpointRounding.AwayFromZero);
                double? ratio = ltv is { } l && cac is { } k && k != 0 ? Math.Round((double)(l / k), 6) : null;
                return new ChannelEconomics(c.Key, newPersons, cost, cac, ltv, ratio);
            }).ToList();
        return new MoneyReport(paying, Rate(paying, mau), revenue, PerPerson(mau), PerPerson(paying), channels);
    }

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;

    private static RetentionReport Retention(ReportFigures figures, int d, TimeZoneInfo zone)
    {
        var cohorts = new List<RetentionCohort>();
        for (var cohort = d - ShardFigures.RetentionCohortDays + 1; cohort <= d; cohort++)
        {
            var size = figures.Count(FigureKeys.RetentionSize(cohort));
            if (size == 0)
            {
                continue;
            }
            var days = Enumerable.Range(0, ShardFigures.RetentionCohortDays)
                .Select(n => cohort + n <= d ? Rate(figures.Count(FigureKeys.RetentionActive(cohort, n)), size) : (double?)null)
                .ToList();
            // Observable once the last possible member (signed up at the end of the cohort day) has had the whole window.
            var cohortEnd = StartOfDay(cohort + 1, zone);
            var reportEnd = StartOfDay(d + 1, zone);
            double? Rolling(int n) => cohortEnd + (n + 1) * 86_400_000L <= reportEnd ? Rate(figures.Count(FigureKeys.RollingActive(cohort, n)), size) : null;
            cohorts.Add(new RetentionCohort(Day(cohort), size, days, days[1], days[7], days[30], new RollingRetention(Rolling(1), Rolling(7), Rolling(30))));
        }
        return new RetentionReport(cohorts);
    }

    private static ActivityReport Activity(ReportFigures figures)
    {
        long Get(string name) => figures.Count(FigureKeys.Activity(name));
        return new ActivityReport(Get("dau"), Get("wau"), Get("mau"), Rate(Get("dau"), Get("mau")), Get("new"), Get("returning"), Get("resurrected"));
    }

    /// <summary>Exact nearest-rank percentiles: the smallest value with at least p of the values at or below it.</summary>
    public static ConversionTime? Percentiles(IReadOnlyCollection<double>? seconds)
    {
        if (seconds is not { Count: > 0 })
        {
            return null;
        }
        var sorted = seconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new ConversionTime(At(0.25), At(0.50), At(0.75), At(0.90));
    }

    public static double Rate(long count, long of) => of == 0 ? 0 : Math.Round((double)count / of, 6, MidpointRounding.AwayFromZero);

    /// <summary>Unix ms of local midnight starting the given day in the zone.</summary>
    private static long StartOfDay(int dayNumber, TimeZoneInfo zone)
    {
        var local = DateOnly.FromDayNumber(dayNumber).ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }

    private static string Day(int dayNumber) => DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The last millisecond of the report day in its zone, with the zone's offset.</summary>
    private static string Instant(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static string DataThrough(DateOnly day, TimeZoneInfo zone)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var offset = zone.GetUtcOffset(next.AddTicks(-1));
        return new DateTimeOffset(next.AddMilliseconds(-1), offset).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
    }
}
