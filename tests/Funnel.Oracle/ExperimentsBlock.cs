using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>
/// The <c>experiments[]</c> block: persons exposed to an experiment who entered the first funnel in its cohort
/// window, per variant; the conversion step tested against control (the control variant, else the first by name).
/// </summary>
public static class ExperimentsBlock
{
    public static JsonArray Build(IEnumerable<Person> persons, int reportDay, OracleDefinitions definitions, ZoneCalendar calendar)
    {
        var funnel = definitions.Funnels[0];
        var step = Math.Clamp(definitions.ExperimentConversionStep, 1, funnel.Steps.Count - 1);
        var exposed = FunnelBlock.Entrants(persons, funnel, reportDay, calendar)
            .SelectMany(j => j.Person.Exposures.Select(x => (x.Experiment, x.Variant, Reached: j.StepTimes.Count)))
            .ToList();
        var experiments = new JsonArray();
        foreach (var experiment in exposed.GroupBy(x => x.Experiment).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var variants = experiment.GroupBy(x => x.Variant).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (Name: g.Key, Reached: Enumerable.Range(0, funnel.Steps.Count).Select(k => (long)g.Count(x => x.Reached > k)).ToList()))
                .ToList();
            var control = variants.Any(v => v.Name == definitions.ControlVariant) ? variants.First(v => v.Name == definitions.ControlVariant) : variants[0];
            var total = variants.Sum(v => v.Reached[0]);
            var controlRate = Figures.Share(control.Reached[step], control.Reached[0]);
            var splitP = OracleStatistics.EvenSplitP(variants.Select(v => v.Reached[0]).ToList());
            var expected = new JsonObject();
            var observed = new JsonObject();
            var rows = new JsonArray();
            foreach (var (name, reached) in variants)
            {
                expected[name] = Figures.Round6(1.0 / variants.Count);
                observed[name] = Figures.Share(reached[0], total);
                var rate = Figures.Share(reached[step], reached[0]);
                var isControl = name == control.Name;
                var (p, low, high) = OracleStatistics.AgainstControl(control.Reached[step], control.Reached[0], reached[step], reached[0]);
                rows.Add(new JsonObject
                {
                    ["value"] = name,
                    ["exposed"] = reached[0],
                    ["converted"] = reached[step],
                    ["rate"] = rate,
                    // Lift is read off the rates the report shows.
                    ["lift"] = isControl || controlRate == 0 ? null : Figures.Round6(rate / controlRate - 1),
                    ["pValue"] = isControl ? null : Figures.Round6(p),
                    ["ci95"] = isControl ? null : new JsonArray(Figures.Round6(low), Figures.Round6(high)),
                    ["steps"] = new JsonArray(reached.Select(count => (JsonNode)new JsonObject { ["count"] = count, ["rate"] = Figures.Share(count, reached[0]) }).ToArray()),
                });
            }
            experiments.Add(new JsonObject
            {
                ["name"] = experiment.Key,
                ["control"] = control.Name,
                ["sampleRatio"] = new JsonObject
                {
                    ["expected"] = expected,
                    ["observed"] = observed,
                    ["pValue"] = double.IsFinite(splitP) ? Figures.Round6(splitP) : null,
                },
                ["step"] = funnel.Steps[step].Label ?? funnel.Steps[step].Event,
                ["variants"] = rows,
            });
        }
        return experiments;
    }
}
