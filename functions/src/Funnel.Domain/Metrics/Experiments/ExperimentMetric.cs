using Funnel.Domain.Events;

namespace Funnel.Domain.Metrics;

public sealed partial class PersonState
{
    private static readonly Dictionary<string, (long At, string Variant)> NoExposures = [];
    private Dictionary<string, (long At, string Variant)>? _exposures;

    /// <summary>First exposure per experiment: time and variant.</summary>
    public IReadOnlyDictionary<string, (long At, string Variant)> Exposures => _exposures ?? NoExposures;

    public void SetExposure(string experiment, long at, string variant) =>
        (_exposures ??= new Dictionary<string, (long, string)>(StringComparer.Ordinal))[experiment] = (at, variant);
}

/// <summary>
/// A/B experiments, read from the first funnel's variant breakdown: exposed persons who entered it in the cohort
/// window, their conversion to each step, and the test on the conversion step against control (the variant
/// named control, else the first by name). The expected split is even.
/// </summary>
public static class ExperimentMetric
{
    /// <summary>Experiments are measured on this funnel (definition order).</summary>
    public const int Funnel = 0;

    internal static void Observe(PersonState person, ProductEvent e, MetricDefinitions definitions)
    {
        if (e.Type == EventType.Track && e.Name == definitions.ExperimentEvent && e.Experiment is not null && e.Variant is not null
            && (!person.Exposures.TryGetValue(e.Experiment, out var seen) || PersonState.Earlier(e.Timestamp, e.Variant, seen.At, seen.Variant)))
        {
            person.SetExposure(e.Experiment, e.Timestamp, e.Variant);
        }
    }

    /// <summary>Per experiment, the earlier of the two first exposures.</summary>
    internal static void Merge(PersonState person, PersonState other)
    {
        foreach (var (experiment, (at, variant)) in other.Exposures)
        {
            if (!person.Exposures.TryGetValue(experiment, out var seen) || PersonState.Earlier(at, variant, seen.At, seen.Variant))
            {
                person.SetExposure(experiment, at, variant);
            }
        }
    }

    public static List<ExperimentReport> Report(IReadOnlyList<FunnelFigures> funnels, MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(funnels);
        ArgumentNullException.ThrowIfNull(definitions);
        var steps = definitions.Funnels[Funnel].Steps;
        var step = Math.Clamp(definitions.ExperimentConversionStep, 1, steps.Count - 1);
        var rows = funnels.Count > Funnel ? FunnelMetric.VariantRows(funnels[Funnel], steps.Count) : [];
        var reports = new List<ExperimentReport>();
        foreach (var experiment in rows.GroupBy(r => r.Experiment ?? string.Empty).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var variants = experiment.OrderBy(r => r.Value, StringComparer.Ordinal).ToList();
            var control = variants.FirstOrDefault(v => v.Value == definitions.ControlVariant) ?? variants[0];
            long Exposed(BreakdownRow r) => r.Steps[0].Count;
            long Converted(BreakdownRow r) => r.Steps[step].Count;
            var controlRate = ReportNumbers.Rate(Converted(control), Exposed(control));
            var total = variants.Sum(Exposed);
            var observed = variants.Select(Exposed).ToList();
            var sampleRatio = new SampleRatio(
                variants.ToDictionary(v => v.Value, _ => Math.Round(1.0 / variants.Count, 6)),
                variants.ToDictionary(v => v.Value, v => ReportNumbers.Rate(Exposed(v), total)),
                ReportNumbers.Finite(Statistics.SampleRatioPValue(observed, observed.Select(_ => 1.0).ToList())));
            var variantReports = variants.Select(v =>
            {
                var isControl = ReferenceEquals(v, control);
                var (pValue, low, high) = Statistics.TwoProportionTest(Converted(control), Exposed(control), Converted(v), Exposed(v));
                var rate = ReportNumbers.Rate(Converted(v), Exposed(v));
                return new VariantReport(
                    v.Value, Exposed(v), Converted(v), rate,
                    isControl || controlRate == 0 ? null : Math.Round(rate / controlRate - 1, 6),
                    isControl ? null : ReportNumbers.Finite(pValue),
                    isControl || !double.IsFinite(low) ? null : [Math.Round(low, 6), Math.Round(high, 6)],
                    v.Steps.Select(s => new VariantStep(s.Count, s.Rate)).ToList());
            }).ToList();
            reports.Add(new ExperimentReport(experiment.Key, control.Value, sampleRatio, steps[step].Name, variantReports));
        }
        return reports;
    }
}
