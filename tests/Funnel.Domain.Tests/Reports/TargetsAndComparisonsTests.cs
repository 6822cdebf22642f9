using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Funnel.Domain.Tests.Aggregation;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Reports;

/// <summary>Targets (目标, 红黄绿灯) judged against a report, and comparisons with the stored figures of earlier days.</summary>
public partial class TargetsAndComparisonsTests
{
    private static TargetDefinition Higher(string figure, double target, double amber) => new(figure, target, TargetDefinition.Higher, amber);

    private static TargetDefinition Lower(string figure, double target, double amber) => new(figure, target, TargetDefinition.Lower, amber);

    [Theory]
    [InlineData(0.07, "green")]
    [InlineData(0.06, "green")] // exactly at target
    [InlineData(0.05, "amber")] // missed by exactly the amber band
    [InlineData(0.049999, "red")] // just beyond it
    public void Higher_is_better_targets_are_green_when_met_amber_within_the_band_and_red_beyond(double actual, string status) =>
        Assert.Equal(status, ReportTargets.Judge(Higher("money.payingConversion", 0.06, 0.01), actual).Status);

    [Theory]
    [InlineData(20, "green")]
    [InlineData(25, "green")]
    [InlineData(30, "amber")]
    [InlineData(30.01, "red")]
    public void Lower_is_better_targets_turn_red_above_the_band(double actual, string status) =>
        Assert.Equal(status, ReportTargets.Judge(Lower("money.channels[wechat].cac", 25, 5), actual).Status);

    [Fact]
    public void Attainment_is_actual_over_target_or_target_over_actual_when_lower_is_better()
    {
        Assert.Equal(0.5, ReportTargets.Judge(Higher("x", 0.06, 0), 0.03).Attainment);
        Assert.Equal(0.5, ReportTargets.Judge(Lower("x", 25, 0), 50).Attainment);
        // Red with no amber band: any miss.
        Assert.Equal(TargetResult.Red, ReportTargets.Judge(Higher("x", 0.06, 0), 0.059).Status);
    }

    [Fact]
    public void A_figure_missing_from_the_report_is_unknown()
    {
        var report = RenderedReports.SixtyDays.Report;
        var results = ReportTargets.Evaluate(report, [Lower("money.channels[no such channel].cac", 25, 5), Higher("activity.nothing", 1, 0), Higher("activity", 1, 0)])!;
        Assert.All(results, r => Assert.Equal((TargetResult.Unknown, (double?)null, (double?)null), (r.Status, r.Actual, r.Attainment)));
    }

    private static readonly JsonNode Sample = JsonNode.Parse("""
        {"funnels":[{"name":"purchase path","steps":[{"name":"a","rate":0.1}]},{"name":"lifecycle","steps":[{"name":"Signed Up","rate":1},{"name":"Activated","rate":0.7}],
          "breakdowns":{"channel":[{"value":"douyin","steps":[{"count":5}]},{"value":"wechat","steps":[{"count":9}]}]}}],
         "money":{"channels":[{"channel":"wechat","cac":21.5}]},
         "comparisons":{"headlines":[{"name":"money.payingConversion","value":0.05}]}}
        """)!;

    [Theory]
    [InlineData("funnels[lifecycle].steps[1].rate", 0.7)]
    [InlineData("funnels[1].steps[Activated].rate", 0.7)]
    [InlineData("funnels[purchase path].steps[0].rate", 0.1)]
    [InlineData("funnels[lifecycle].breakdowns.channel[wechat].steps[0].count", 9)]
    [InlineData("money.channels[wechat].cac", 21.5)]
    [InlineData("comparisons.headlines[money.payingConversion].value", 0.05)]
    public void A_path_selects_array_elements_by_index_name_or_value(string path, double expected) =>
        Assert.Equal(expected, FigurePath.Read(Sample, path));

    [Theory]
    [InlineData("funnels[lifecycle].steps[7].rate")]
    [InlineData("funnels[growth].steps[1].rate")]
    [InlineData("funnels[lifecycle].steps")]
    [InlineData("funnels[lifecycle].name")]
    public void A_path_to_nothing_or_to_no_number_reads_null(string path) => Assert.Null(FigurePath.Read(Sample, path));

    [Theory]
    [InlineData("")]
    [InlineData("money.")]
    [InlineData("[1].x")]
    [InlineData("money..arpu")]
    [InlineData("funnels[lifecycle")]
    [InlineData("funnels[]")]
    [InlineData("funnels[a]x")]
    public void A_malformed_path_is_named_a_problem(string path) => Assert.NotNull(FigurePath.Problem(path));

    private const string Funnels = """
        "funnels":[{"name":"f","steps":[{"event":"A","windowDays":null},{"event":"B","windowDays":1}]}],"signupEvent":"S","experimentEvent":"E"
        """;

    [Fact]
    public void Bad_targets_are_refused_with_every_problem_named_by_path_and_reason()
    {
        var json = "{" + Funnels + """
            ,"targets":[{"figure":"money.arpu","target":5,"better":"higher"},
                        {"figure":"money..arpu","target":5,"better":"higher"},
                        {"figure":"money.arpu","target":5,"better":"up"},
                        {"figure":"money.arpu","better":"lower","amber":-1}]}
            """;
        var ex = Assert.Throws<ArgumentException>(() => MetricDefinitions.Load(json, "t.json"));
        Assert.StartsWith("t.json: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("targets[1].figure: empty field name", ex.Message, StringComparison.Ordinal);
        Assert.Contains("targets[2].better: must be \"higher\" or \"lower\"", ex.Message, StringComparison.Ordinal);
        Assert.Contains("targets[3].target: must be a number", ex.Message, StringComparison.Ordinal);
        Assert.Contains("targets[3].amber: must be a number 0 or more", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("targets[0]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_definitions_load_and_their_targets_leave_the_hash_alone()
    {
        var json = File.ReadAllText(Path.Combine(DocsFolder(), "definitions.sample.json"));
        var sample = MetricDefinitions.Load(json, "definitions.sample.json");
        Assert.True(sample.Targets!.Count >= 5);
        // The sample's funnels and survey are the built-in ones: without costs and targets it is the default, hash and all.
        Assert.Equal(MetricDefinitions.Default.SurveyInForce, sample.Survey);
        Assert.Equal(MetricDefinitions.Default.Hash, (sample with { ChannelDailyCosts = null, Targets = null, Survey = null }).Hash);
        Assert.Equal((sample with { Targets = null }).Hash, sample.Hash);
        Assert.Null(MetricDefinitions.Default.Targets);
    }

    internal static string DocsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "docs", "report.schema.json")))
            {
                return Path.Combine(dir.FullName, "docs");
            }
        }
        throw new DirectoryNotFoundException("docs/ not found above the test folder");
    }

    /// <summary>The sixty-day report judged against one target of each colour, one without a figure, and one whose path is hostile.</summary>
    internal static DailyReport Judged()
    {
        var report = RenderedReports.SixtyDays.Report;
        var conversion = report.Money.PayingConversion;
        return report with
        {
            Targets = ReportTargets.Evaluate(report,
            [
                Higher("money.payingConversion", conversion, 0.01),
                Higher("activity.stickiness", report.Activity.Stickiness + 0.01, 0.02),
                Lower("activity.dau", report.Activity.Dau - 10, 5),
                Higher("money.channels[nowhere].ltvToCac", 3, 0.5),
                Higher(RenderedReports.Hostile[0] + ".x", 1, 0),
            ]),
        };
    }

    [Fact]
    public void Json_csv_and_html_carry_the_same_targets_and_the_page_opens_with_them()
    {
        var report = Judged();
        var json = EngineHarness.Parsed(report)["targets"]!.AsArray();
        Assert.Equal(["green", "amber", "red", "unknown", "unknown"], json.Select(t => t!["status"]!.GetValue<string>()));

        var csv = Encoding.UTF8.GetString(ReportCsv.Render(report)).Split("\r\n").Where(r => r.StartsWith("targets,", StringComparison.Ordinal)).ToList();
        var html = Encoding.UTF8.GetString(ReportHtml.Render(report, RenderedReports.SixtyDays.Trend, "zh-CN"));
        var rows = HtmlTargetRow().Matches(html).Select(m => (Figure: System.Net.WebUtility.HtmlDecode(m.Groups[1].Value), Status: m.Groups[2].Value)).ToList();
        Assert.Equal(json.Count, rows.Count);
        for (var i = 0; i < json.Count; i++)
        {
            var figure = json[i]!["figure"]!.GetValue<string>();
            var status = json[i]!["status"]!.GetValue<string>();
            Assert.Equal(figure, rows[i].Figure);
            Assert.Equal(status, rows[i].Status);
            Assert.Contains(csv, r => r == $"targets,status,,,{ReportCsv.Cell("figure=" + figure)},{status},targets[{i}].status");
            var actual = json[i]!["actual"]?.GetValue<double>();
            Assert.Contains(csv, r => r == $"targets,actual,,,{ReportCsv.Cell("figure=" + figure)},{(actual is { } a ? a.ToString(CultureInfo.InvariantCulture) : "")},targets[{i}].actual");
        }
        Assert.True(html.IndexOf("id=\"targets\"", StringComparison.Ordinal) < html.IndexOf("id=\"lifecycle\"", StringComparison.Ordinal));
        Assert.Contains("今日目标", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Targets</h2>", Encoding.UTF8.GetString(ReportHtml.Render(report, [], "en")), StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr class=\"target [a-z]+\" data-figure=\"([^\"]*)\" data-status=\"([a-z]+)\">")]
    private static partial Regex HtmlTargetRow();

    /// <summary>A lifecycle funnel with known mature conversions: 70/110, 30/60 and 6/30 (the newer cohort has closed only step 1).</summary>
    private static DailyReport HandMade(DailyReport report)
    {
        static StepCount S(long count, bool mature) => new(count, 0, 0, mature);
        var lifecycle = report.Funnels[0] with
        {
            Cohorts =
            [
                new FunnelCohortReport("2026-10-01", [S(100, true), S(60, true), S(30, true), S(6, true)], [null, null, null, null]),
                new FunnelCohortReport("2026-10-20", [S(10, true), S(10, true), S(10, false), S(10, false)], [null, null, null, null]),
            ],
        };
        return report with { Funnels = [lifecycle, .. report.Funnels.Skip(1)] };
    }

    private static Dictionary<string, IReadOnlyDictionary<DateOnly, double>> Stored(DateOnly day, params (string Name, int DaysBefore, double Value)[] figures) =>
        figures.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => (IReadOnlyDictionary<DateOnly, double>)g.ToDictionary(f => day.AddDays(-f.DaysBefore), f => f.Value), StringComparer.Ordinal);

    [Fact]
    public void Each_headline_is_compared_with_the_stored_figures_of_1_7_and_28_days_before_and_a_day_without_one_is_null()
    {
        var report = RenderedReports.SixtyDays.Report;
        var day = DateOnly.ParseExact(report.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var stored = Stored(day, ("activity.dau", 1, 120), ("activity.dau", 7, 0), ("activity.dau", 3, 99), ("activity.dau", 29, 5), ("money.revenue", 28, 1000.5));
        var comparisons = ReportComparisons.Attach(report, stored, null).Comparisons!;

        Assert.Equal(HeadlineFigures.Names, comparisons.Headlines.Select(h => h.Name));
        var dau = comparisons.Headlines.Single(h => h.Name == "activity.dau");
        Assert.Equal(report.Activity.Dau, dau.Value);
        Assert.Equal(new EarlierDays(120, 0, null), dau.Earlier);
        Assert.Equal(new EarlierDays(report.Activity.Dau - 120, report.Activity.Dau, null), dau.Change);
        // 28 points, oldest (27 days before) first, today last; 29 days before is outside.
        Assert.Equal(28, dau.Trend.Count);
        Assert.Equal(report.Activity.Dau, dau.Trend[^1]);
        Assert.Equal(120, dau.Trend[^2]);
        Assert.Equal(99, dau.Trend[^4]);
        Assert.Equal(0, dau.Trend[^8]);
        Assert.Equal(4, dau.Trend.Count(v => v is not null));
        var revenue = comparisons.Headlines.Single(h => h.Name == "money.revenue");
        Assert.Equal(new EarlierDays(null, null, 1000.5), revenue.Earlier);
        Assert.Equal(Math.Round((double)report.Money.Revenue - 1000.5, 6), revenue.Change.D28);
        Assert.All(comparisons.Headlines.Where(h => h.Name is not ("activity.dau" or "money.revenue")), h => Assert.Equal(new EarlierDays(null, null, null), h.Earlier));
    }

    [Theory]
    [InlineData(0.70, 0.75, 0.15, "first purchase")] // falls of 0.0636 and 0.25; step 3 rose
    [InlineData(0.90, 0.55, 0.25, "Activated")] // falls of 0.2636, 0.05 and 0.05
    [InlineData(0.50, 0.40, 0.10, null)] // every step rose
    public void The_step_whose_mature_conversion_fell_most_against_28_days_before_is_flagged(double step1, double step2, double step3, string? worst)
    {
        var report = HandMade(RenderedReports.SixtyDays.Report);
        var day = DateOnly.ParseExact(report.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var stored = Stored(day, (ReportComparisons.StepFigure(1), 28, step1), (ReportComparisons.StepFigure(2), 28, step2), (ReportComparisons.StepFigure(3), 28, step3));
        var compared = ReportComparisons.Attach(report, stored, [Higher("comparisons.steps[Activated].rate", 0.7, 0.05)]);
        var steps = compared.Comparisons!.Steps;

        Assert.Equal([Math.Round(70.0 / 110, 6), 0.5, 0.2], steps.Select(s => s.Rate));
        Assert.Equal(worst, compared.Comparisons.WorstStep);
        Assert.Equal(worst is null ? [] : [worst], steps.Where(s => s.Worst).Select(s => s.Name));
        // Targets are judged after the comparisons, so they can name a step's mature conversion.
        Assert.Equal(Math.Round(70.0 / 110, 6), Assert.Single(compared.Targets!).Actual);
        var html = Encoding.UTF8.GetString(ReportHtml.Render(compared, [], "zh-CN"));
        Assert.Equal(worst is null ? 0 : 1, Regex.Count(html, "下降最显著的环节"));
        Assert.Equal(HeadlineFigures.Names.Length, Regex.Count(html, "<svg class=\"spark\""));
    }

    [Fact]
    public void The_stored_figures_are_the_headlines_and_the_mature_step_conversions()
    {
        var report = HandMade(RenderedReports.SixtyDays.Report);
        var stored = ReportComparisons.StoredFigures(report);
        Assert.Equal(HeadlineFigures.Names.Length + 3, stored.Count);
        Assert.Equal(0.2, stored[ReportComparisons.StepFigure(3)]);
        var noneClosed = report with { Funnels = [report.Funnels[0] with { Cohorts = [report.Funnels[0].Cohorts[1]] }] };
        // No cohort has closed steps 2 and 3: no figure, not zero.
        Assert.False(ReportComparisons.StoredFigures(noneClosed).ContainsKey(ReportComparisons.StepFigure(2)));
    }
}
