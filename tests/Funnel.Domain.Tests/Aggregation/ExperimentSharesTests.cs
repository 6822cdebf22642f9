using System.Net;
using System.Text;
using Funnel.Domain.Tests.Reports;
using Funnel.Engine.Aggregation;
using Funnel.Metrics;
using Funnel.Oracle;
using Funnel.Reports;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Experiments with configured shares and tested steps: the sample-ratio check against the shares, every variant tested on every step.</summary>
public class ExperimentSharesTests
{
    private static ReportFigures Figures(string experiment, params (string Variant, long[] Steps)[] variants)
    {
        var figures = new ReportFigures();
        var byVariant = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        FunnelFigures.At(figures.Funnels, 0).Variant[experiment] = byVariant;
        foreach (var (variant, steps) in variants)
        {
            byVariant[variant] = steps;
        }
        return figures;
    }

    private static MetricDefinitions With(params ExperimentDefinition[] experiments) => MetricDefinitions.Default with { Experiments = experiments };

    private static Dictionary<string, double> Shares(params (string Variant, double Share)[] shares) => shares.ToDictionary(s => s.Variant, s => s.Share);

    private static DailyReport Report(ReportFigures figures, MetricDefinitions definitions) => ReportAssembler.Assemble(figures,
        new ReportContext(new DateOnly(2026, 11, 23), "Asia/Shanghai", new DateOnly(2026, 9, 1), EngineHarness.GeneratedAt, definitions));

    [Fact]
    public void A_split_near_its_configured_30_70_passes_the_sample_ratio_check()
    {
        var definitions = With(new ExperimentDefinition("onboarding-v2", Shares(("control", 3), ("new", 7))));
        var check = Assert.Single(Report(Figures("onboarding-v2", ("control", [2950, 2000, 500, 100]), ("new", [7050, 4900, 1300, 300])), definitions).Experiments).SampleRatio;
        Assert.Equal(0.3, check.Expected["control"]);
        Assert.Equal(0.7, check.Expected["new"]);
        Assert.Equal(0.295, check.Observed["control"]);
        // χ² = 50²/3000 + 50²/7000 = 1.190476 on one degree of freedom: p = erfc(√(χ²/2)).
        Assert.Equal(0.275234, check.PValue!.Value, 6);
    }

    [Fact]
    public void A_30_70_split_of_an_experiment_without_shares_fails_the_even_check()
    {
        var report = Report(Figures("pay-3-steps", ("control", [3000, 2000, 500, 100]), ("treatment", [7000, 4900, 1300, 300])), MetricDefinitions.Default);
        var check = Assert.Single(report.Experiments).SampleRatio;
        Assert.Equal(0.5, check.Expected["control"]);
        Assert.Equal(0.5, check.Expected["treatment"]);
        // χ² = 2 × 2000²/5000 = 1600: p is far below the 6 places the report keeps.
        Assert.Equal(0.0, check.PValue);
        Assert.Contains("class=\"warn srm\"", Html(report, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public void Three_variants_are_each_tested_against_control_on_every_configured_step()
    {
        var definitions = With(new ExperimentDefinition("pricing", Steps: ["Activated", "repurchase"]));
        var report = Report(Figures("pricing",
            ("a", [1000, 700, 130, 40]), ("control", [1000, 650, 100, 30]), ("b", [900, 560, 90, 45])), definitions);
        var experiment = Assert.Single(report.Experiments);
        Assert.Equal(["Activated", "repurchase"], experiment.Steps);
        // First purchase, the conversion step, is not tested: the first tested step is the primary one.
        Assert.Equal("Activated", experiment.Step);
        Assert.Equal(["a", "b", "control"], experiment.Variants.Select(v => v.Value));
        long[] control = [1000, 650, 100, 30];
        foreach (var variant in experiment.Variants.Where(v => v.Value != "control"))
        {
            Assert.Equal(["Activated", "repurchase"], variant.Tests.Select(t => t.Step));
            foreach (var (test, k) in variant.Tests.Zip([1, 3]))
            {
                var counts = variant.Steps.Select(s => s.Count).ToArray();
                var (p, low, high) = OracleStatistics.AgainstControl(control[k], control[0], counts[k], counts[0]);
                Assert.Equal(counts[k], test.Converted);
                Assert.Equal((double)counts[k] / counts[0], test.Rate, 6);
                Assert.Equal((double)counts[k] / counts[0] / ((double)control[k] / control[0]) - 1, test.Lift!.Value, 5);
                Assert.Equal(p, test.PValue!.Value, 6);
                Assert.Equal(low, test.Ci95![0], 6);
                Assert.Equal(high, test.Ci95[1], 6);
            }
            Assert.Equal((variant.Tests[0].Converted, variant.Tests[0].PValue, variant.Tests[0].Ci95), (variant.Converted, variant.PValue, variant.Ci95));
        }
        var b = experiment.Variants.Single(v => v.Value == "b");
        Assert.True(b.Tests[1].PValue < 0.05, "b's repurchase (5 % against 3 %) differs from control's");
        Assert.All(experiment.Variants.Single(v => v.Value == "control").Tests, t => Assert.Equal((null, null, null), (t.Lift, t.PValue, t.Ci95)));
    }

    [Fact]
    public void Without_configured_steps_every_step_after_the_first_is_tested_and_first_purchase_is_primary()
    {
        var experiment = Assert.Single(Report(Figures("pay-3-steps", ("control", [1000, 650, 100, 30]), ("treatment", [1000, 660, 130, 41])), MetricDefinitions.Default).Experiments);
        Assert.Equal(["Activated", "first purchase", "repurchase"], experiment.Steps);
        Assert.Equal("first purchase", experiment.Step);
        var treatment = experiment.Variants.Single(v => v.Value == "treatment");
        Assert.Equal([660L, 130, 41], treatment.Tests.Select(t => t.Converted));
        Assert.Equal(0.035488, treatment.Tests[1].PValue!.Value, 6);
    }

    [Fact]
    public void A_configured_variant_nobody_saw_shows_with_zeros_and_fails_the_check()
    {
        var definitions = With(new ExperimentDefinition("onboarding-v2", Shares(("control", 0.5), ("new", 0.5))), new ExperimentDefinition("later", Shares(("control", 1), ("new", 1))));
        var report = Report(Figures("onboarding-v2", ("control", [1000, 650, 100, 30])), definitions);
        Assert.Equal(["later", "onboarding-v2"], report.Experiments.Select(e => e.Name));
        var experiment = report.Experiments[1];
        var unseen = experiment.Variants.Single(v => v.Value == "new");
        Assert.Equal((0L, 0L, 0.0), (unseen.Exposed, unseen.Converted, unseen.Rate));
        Assert.All(unseen.Steps, s => Assert.Equal(0, s.Count));
        Assert.Null(unseen.PValue);
        Assert.Equal(0.5, experiment.SampleRatio.Expected["new"]);
        Assert.Equal(0.0, experiment.SampleRatio.Observed["new"]);
        Assert.Equal(0.0, experiment.SampleRatio.PValue);
        // Configured, never seen: both variants at zero, and no check without exposures.
        var later = report.Experiments[0];
        Assert.Equal(["control", "new"], later.Variants.Select(v => v.Value));
        Assert.Equal("control", later.Control);
        Assert.All(later.Variants, v => Assert.Equal(0, v.Exposed));
        Assert.Null(later.SampleRatio.PValue);
    }

    [Fact]
    public void A_variant_seen_but_not_configured_fails_the_check_outright()
    {
        var definitions = With(new ExperimentDefinition("onboarding-v2", Shares(("control", 0.5), ("new", 0.5))));
        var experiment = Assert.Single(Report(Figures("onboarding-v2", ("control", [500, 300, 50, 10]), ("new", [500, 310, 55, 12]), ("rogue", [10, 5, 1, 0])), definitions).Experiments);
        Assert.Equal(0.0, experiment.SampleRatio.Expected["rogue"]);
        Assert.Equal(0.5, experiment.SampleRatio.Expected["new"]);
        Assert.Equal(0.0, experiment.SampleRatio.PValue);
        // Without the rogue variant the same exposures pass.
        var clean = Assert.Single(Report(Figures("onboarding-v2", ("control", [500, 300, 50, 10]), ("new", [500, 310, 55, 12])), definitions).Experiments);
        Assert.Equal(1.0, clean.SampleRatio.PValue);
    }

    [Fact]
    public void Definitions_name_every_experiment_problem_by_path()
    {
        var (definitions, problems) = MetricDefinitions.Parse("""
            {"funnels":[{"name":"lifecycle","steps":[{"event":"Signed Up","windowDays":null},{"event":"Activated","windowDays":7},{"event":"Order Completed","windowDays":3,"label":"first purchase"}]}],
             "signupEvent":"Signed Up","experimentEvent":"Experiment Viewed",
             "experiments":[
               {"name":"a","shares":{"control":0.7,"new":0}},
               {"name":"b","steps":["Signed Up"]},
               {"name":"a"},
               {"name":"c","shares":{"control":1}},
               {"name":"d","steps":["Activated","Activated","Paid","Order Completed"]},
               {"name":" ","shares":{"control":1,"new":-2}},
               {"name":"ok","shares":{"control":2,"new":1},"steps":["first purchase"]}
             ]}
            """);
        Assert.Null(definitions);
        Assert.Equal(
            [
                "experiments[0].shares.new", "experiments[1].steps[0]", "experiments[2].name", "experiments[3].shares",
                "experiments[4].steps[1]", "experiments[4].steps[2]", "experiments[4].steps[3]", "experiments[5].name", "experiments[5].shares.new",
            ],
            problems.Select(p => p.Path));
        Assert.Contains(problems, p => p.Path == "experiments[0].shares.new" && p.Reason.Contains("greater than 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "experiments[4].steps[2]" && p.Reason.Contains("'Paid' is not a step", StringComparison.Ordinal));
    }

    [Fact]
    public void Configured_experiments_load_and_leave_the_definitions_hash_alone()
    {
        var json = """
            {"funnels":[{"name":"lifecycle","steps":[{"event":"Signed Up","windowDays":null},{"event":"Activated","windowDays":7}]}],
             "signupEvent":"Signed Up","experimentEvent":"Experiment Viewed",
             "experiments":[{"name":"onboarding-v2","shares":{"control":0.7,"new":0.3},"steps":["Activated"]},{"name":"pay-3-steps"}]}
            """;
        var definitions = MetricDefinitions.Load(json, "d.json");
        Assert.Equal(0.3, definitions.Experiments![0].Shares!["new"]);
        Assert.Null(definitions.Experiments[1].Shares);
        Assert.Equal((definitions with { Experiments = null }).Hash, definitions.Hash);
        Assert.Equal(MetricDefinitions.Default.Hash, (MetricDefinitions.Default with { Experiments = EngineHarness.Definitions.Experiments }).Hash);
    }

    private static DailyReport Hostile()
    {
        var (script, link) = (RenderedReports.Hostile[0], RenderedReports.Hostile[3]);
        var definitions = With(new ExperimentDefinition(link, Shares(("control", 0.7), (script, 0.3)), ["Activated", "first purchase"]));
        return Report(Figures(link, ("control", [700, 455, 70, 21]), (script, [300, 200, 39, 12])), definitions);
    }

    private static string Html(DailyReport report, string language) => Encoding.UTF8.GetString(ReportHtml.Render(report, [ActivityPoint.Of(report)], language));

    [Fact]
    public void The_page_shows_the_configured_and_observed_split_and_every_tested_step_with_hostile_names_escaped()
    {
        var report = Hostile();
        var html = Html(report, "en");
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        var variant = WebUtility.HtmlEncode(RenderedReports.Hostile[0]);
        Assert.Contains($"<th>Configured split</th><th>Observed split</th>", html, StringComparison.Ordinal);
        Assert.Contains($"<tr><td><bdi>{variant}</bdi></td><td class=\"num\">300</td><td class=\"num share expected\">30.0%</td><td class=\"num share observed\">30.0%</td>", html, StringComparison.Ordinal);
        var tests = html[html.IndexOf("<table class=\"tests\">", StringComparison.Ordinal)..];
        Assert.Contains($"<tr><td><bdi>{variant}</bdi></td><td><bdi>Activated</bdi></td><td class=\"num\">200</td>", tests, StringComparison.Ordinal);
        Assert.Contains($"<tr><td><bdi>{variant}</bdi></td><td><bdi>first purchase</bdi></td><td class=\"num\">39</td><td class=\"num\">13.0%</td><td class=\"num\">30.0%</td>", tests, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(RenderedReports.Hostile[3]), html, StringComparison.Ordinal);
        Assert.Contains("<th>配置分配比例</th><th>实际曝光比例</th>", Html(report, "zh-CN"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_csv_has_a_row_per_variant_and_tested_step_and_no_hostile_name_runs_as_a_formula()
    {
        var report = Hostile();
        var rows = Encoding.UTF8.GetString(ReportCsv.Render(report)).Split("\r\n");
        var section = ReportCsv.Cell("experiment:" + RenderedReports.Hostile[3]);
        var variant = ReportCsv.Cell("variants=" + RenderedReports.Hostile[0]);
        Assert.Contains($"{section},variants.tests.converted,,Activated,{variant},200,experiments[0].variants[0].tests[0].converted", rows);
        Assert.Contains($"{section},variants.tests.lift,,first purchase,{variant},0.3,experiments[0].variants[0].tests[1].lift", rows);
        Assert.Contains(rows, r => r.StartsWith($"{section},sampleRatio.expected.", StringComparison.Ordinal) && r.EndsWith(",0.3,experiments[0].sampleRatio.expected." + RenderedReports.Hostile[0], StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.StartsWith('=') || r.Contains(",=", StringComparison.Ordinal));
    }
}
