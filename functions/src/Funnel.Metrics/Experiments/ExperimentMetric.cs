using Funnel.Events;

namespace Funnel.Metrics;

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
/// window, their conversion to each tested step, each variant tested against control (the variant named control,
/// else the first by name). Every experiment seen or configured is reported, with the variants seen and configured;
/// the sample-ratio check compares the exposures with the configured shares (even when none are configured).
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
        var rows = funnels.Count > Funnel ? FunnelMetric.VariantRows(funnels[Funnel], steps.Count) : [];
        var seen = rows.GroupBy(r => r.Experiment ?? string.Empty).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var configured = (definitions.Experiments ?? []).ToDictionary(e => e.Name, StringComparer.Ordinal);
        return [.. seen.Keys.Union(configured.Keys).Order(StringComparer.Ordinal)
            .Select(name => Experiment(name, seen.GetValueOrDefault(name) ?? [], configured.GetValueOrDefault(name) ?? new ExperimentDefinition(name), steps, definitions))];
    }

    private static ExperimentReport Experiment(string name, List<BreakdownRow> rows, ExperimentDefinition definition, IReadOnlyList<FunnelStep> steps, MetricDefinitions definitions)
    {
        // A configured variant nobody was exposed to shows with zeros, so a split that never happened is seen.
        var variants = rows.Select(r => (r.Value, Counts: r.Steps.Select(s => s.Count).ToArray()))
            .Concat((definition.Shares?.Keys ?? []).Where(v => rows.All(r => r.Value != v)).Select(v => (Value: v, Counts: new long[steps.Count])))
            .OrderBy(v => v.Value, StringComparer.Ordinal)
            .ToList();
        var conversionStep = Math.Clamp(definitions.ExperimentConversionStep, 1, steps.Count - 1);
        // Definitions that did not validate may name no step of the funnel: the conversion step is tested then.
        var tested = definition.TestedSteps(steps) is { Count: > 0 } named ? named.ToList() : [conversionStep];
        var primary = tested.Contains(conversionStep) ? conversionStep : tested[0];
        var control = variants.FirstOrDefault(v => v.Value == definitions.ControlVariant);
        control = control.Counts is null && variants.Count > 0 ? variants[0] : control;
        var variantReports = variants.Select(v =>
        {
            var isControl = v.Value == control.Value;
            var tests = tested.Select(k => Test(steps[k].Name, control.Counts[k], control.Counts[0], v.Counts[k], v.Counts[0], isControl)).ToList();
            var main = tests[tested.IndexOf(primary)];
            return new VariantReport(
                v.Value, v.Counts[0], main.Converted, main.Rate, main.Lift, main.PValue, main.Ci95,
                v.Counts.Select(c => new VariantStep(c, ReportNumbers.Rate(c, v.Counts[0]))).ToList(),
                tests);
        }).ToList();
        return new ExperimentReport(
            name, control.Value ?? definitions.ControlVariant, SampleRatioCheck(variants.Select(v => (v.Value, v.Counts[0])).ToList(), definition.Shares),
            steps[primary].Name, [.. tested.Select(k => steps[k].Name)], variantReports);
    }

    private static VariantTest Test(string step, long controlConverted, long controlExposed, long converted, long exposed, bool isControl)
    {
        var (pValue, low, high) = Statistics.TwoProportionTest(controlConverted, controlExposed, converted, exposed);
        var controlRate = ReportNumbers.Rate(controlConverted, controlExposed);
        var rate = ReportNumbers.Rate(converted, exposed);
        return new VariantTest(
            step, converted, rate,
            isControl || controlRate == 0 ? null : ReportNumbers.Finite(rate / controlRate - 1),
            isControl ? null : ReportNumbers.Finite(pValue),
            isControl || ReportNumbers.Finite(low) is not { } from || ReportNumbers.Finite(high) is not { } to ? null : [from, to]);
    }

    /// <summary>
    /// Exposures against the configured shares (even without them): chi-square p-value, null without exposures; a
    /// variant exposed with no configured share fails the check outright (p = 0) instead of dividing by zero.
    /// </summary>
    private static SampleRatio SampleRatioCheck(List<(string Value, long Exposed)> variants, IReadOnlyDictionary<string, double>? shares)
    {
        var weights = variants.Select(v => shares is null ? 1.0 : shares.GetValueOrDefault(v.Value)).ToList();
        var weightSum = weights.Sum();
        var total = variants.Sum(v => v.Exposed);
        var unplanned = variants.Where((v, i) => weights[i] <= 0 && v.Exposed > 0).Any();
        var planned = variants.Select((v, i) => (v.Exposed, Weight: weights[i])).Where(v => v.Weight > 0).ToList();
        var pValue = unplanned ? 0 : Statistics.SampleRatioPValue([.. planned.Select(v => v.Exposed)], [.. planned.Select(v => v.Weight)]);
        return new SampleRatio(
            variants.Select((v, i) => (v.Value, Share: weightSum > 0 ? Math.Round(weights[i] / weightSum, 6, MidpointRounding.AwayFromZero) : 0)).ToDictionary(v => v.Value, v => v.Share),
            variants.ToDictionary(v => v.Value, v => ReportNumbers.Rate(v.Exposed, total)),
            ReportNumbers.Finite(pValue));
    }
}
