using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>
/// The <c>experiments[]</c> block: persons exposed to an experiment who entered the first funnel in its cohort
/// window, per variant, for every experiment seen or configured and every variant seen or given a share; each tested
/// step (the configured ones, else every step after the first) tested against control (the control variant, else the
/// first by name); the split checked against the configured shares, else an even one.
/// </summary>
public static class ExperimentsBlock
{
    public static JsonArray Build(IEnumerable<Person> persons, int reportDay, OracleDefinitions definitions, ZoneCalendar calendar)
    {
        var funnel = definitions.Funnels[0];
        var conversionStep = Math.Clamp(definitions.ExperimentConversionStep, 1, funnel.Steps.Count - 1);
        var exposed = FunnelBlock.Entrants(persons, funnel, reportDay, calendar)
            .SelectMany(j => j.Person.Exposures.Select(x => (x.Experiment, x.Variant, Reached: j.StepTimes.Count)))
            .ToList();
        var configured = definitions.Experiments ?? [];
        var names = exposed.Select(x => x.Experiment).Concat(configured.Select(c => c.Name)).Distinct().Order(StringComparer.Ordinal);
        var experiments = new JsonArray();
        foreach (var name in names)
        {
            var config = configured.FirstOrDefault(c => c.Name == name);
            var mine = exposed.Where(x => x.Experiment == name).ToList();
            var variants = mine.Select(x => x.Variant).Concat(config?.Shares?.Keys ?? []).Distinct().Order(StringComparer.Ordinal)
                .Select(v => (Name: v, Reached: Enumerable.Range(0, funnel.Steps.Count).Select(k => (long)mine.Count(x => x.Variant == v && x.Reached > k)).ToList()))
                .ToList();
            var tested = TestedSteps(funnel, config?.Steps, conversionStep);
            var primary = tested.Contains(conversionStep) ? conversionStep : tested[0];
            var control = variants.Any(v => v.Name == definitions.ControlVariant) ? variants.First(v => v.Name == definitions.ControlVariant) : variants.FirstOrDefault();
            var total = variants.Sum(v => v.Reached[0]);
            var weights = variants.Select(v => config?.Shares is { } shares ? (shares.TryGetValue(v.Name, out var w) ? w : 0) : 1.0).ToList();
            var splitP = OracleStatistics.SplitP(variants.Select((v, i) => (v.Reached[0], weights[i])).ToList());
            var expected = new JsonObject();
            var observed = new JsonObject();
            var rows = new JsonArray();
            for (var i = 0; i < variants.Count; i++)
            {
                var (variant, reached) = variants[i];
                expected[variant] = Figures.Round6(weights[i] / weights.Sum());
                observed[variant] = Figures.Share(reached[0], total);
                var isControl = variant == control.Name;
                JsonObject TestOn(int k)
                {
                    var rate = Figures.Share(reached[k], reached[0]);
                    var controlRate = Figures.Share(control.Reached[k], control.Reached[0]);
                    var (p, low, high) = reached[0] > 0 && control.Reached[0] > 0
                        ? OracleStatistics.AgainstControl(control.Reached[k], control.Reached[0], reached[k], reached[0])
                        : (double.NaN, double.NaN, double.NaN);
                    return new JsonObject
                    {
                        ["step"] = StepName(funnel.Steps[k]),
                        ["converted"] = reached[k],
                        ["rate"] = rate,
                        // Lift is read off the rates the report shows.
                        ["lift"] = isControl || controlRate == 0 ? null : Figures.Round6(rate / controlRate - 1),
                        ["pValue"] = isControl || double.IsNaN(p) ? null : Figures.Round6(p),
                        ["ci95"] = isControl || double.IsNaN(low) ? null : new JsonArray(Figures.Round6(low), Figures.Round6(high)),
                    };
                }
                var main = TestOn(primary);
                rows.Add(new JsonObject
                {
                    ["value"] = variant,
                    ["exposed"] = reached[0],
                    ["converted"] = reached[primary],
                    ["rate"] = main["rate"]!.DeepClone(),
                    ["lift"] = main["lift"]?.DeepClone(),
                    ["pValue"] = main["pValue"]?.DeepClone(),
                    ["ci95"] = main["ci95"]?.DeepClone(),
                    ["steps"] = new JsonArray(reached.Select(count => (JsonNode)new JsonObject { ["count"] = count, ["rate"] = Figures.Share(count, reached[0]) }).ToArray()),
                    ["tests"] = new JsonArray(tested.Select(k => (JsonNode)TestOn(k)).ToArray()),
                });
            }
            experiments.Add(new JsonObject
            {
                ["name"] = name,
                ["control"] = control.Name ?? definitions.ControlVariant,
                ["sampleRatio"] = new JsonObject
                {
                    ["expected"] = expected,
                    ["observed"] = observed,
                    ["pValue"] = double.IsFinite(splitP) ? Figures.Round6(splitP) : null,
                },
                ["step"] = StepName(funnel.Steps[primary]),
                ["steps"] = new JsonArray(tested.Select(k => (JsonNode)StepName(funnel.Steps[k])).ToArray()),
                ["variants"] = rows,
            });
        }
        return experiments;
    }

    private static string StepName(OracleStep step) => step.Label ?? step.Event;

    /// <summary>Positions of the named steps after the first (each the earliest of that name), else every step after the first.</summary>
    private static List<int> TestedSteps(OracleFunnel funnel, IReadOnlyList<string>? names, int conversionStep)
    {
        if (names is null)
        {
            return Enumerable.Range(1, funnel.Steps.Count - 1).ToList();
        }
        var positions = new List<int>();
        foreach (var name in names)
        {
            for (var k = 1; k < funnel.Steps.Count; k++)
            {
                if (StepName(funnel.Steps[k]) == name)
                {
                    positions.Add(k);
                    break;
                }
            }
        }
        return positions.Count > 0 ? positions : [conversionStep];
    }
}
