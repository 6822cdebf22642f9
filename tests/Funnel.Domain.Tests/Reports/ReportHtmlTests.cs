using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Reports;

/// <summary>report.html as text: every section, self-contained, charts in proportion, user strings escaped, labels in the chosen language.</summary>
public partial class ReportHtmlTests
{
    private static string Html(string language = "en", bool hostile = false)
    {
        var (report, trend) = hostile ? RenderedReports.WithHostileNames : RenderedReports.SixtyDays;
        return Encoding.UTF8.GetString(ReportHtml.Render(report, trend, language));
    }

    [Fact]
    public void The_page_has_every_section_and_fetches_nothing()
    {
        var html = Html();
        foreach (var id in new[] { "lifecycle", "purchase", "retention", "activity", "sessions", "features", "touches", "layers", "money", "purchases", "experiments", "stages", "win-back", "audiences", "data-quality", "manifest" })
        {
            Assert.Contains($"<section id=\"{id}\">", html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Funnel_bars_are_each_steps_rate_over_the_newest_cohorts_whose_window_closed()
    {
        var funnel = FunnelSvg().Match(Html());
        Assert.True(funnel.Success);
        var bars = Bar().Matches(funnel.Value).Select(m => (Value: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Width: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        var report = RenderedReports.SixtyDays.Report;
        var lifecycle = report.Funnels[0];
        Assert.Equal(lifecycle.Steps.Count, bars.Count);
        var newest = lifecycle.Cohorts.TakeLast(7).ToList();
        var movedToClosedCohorts = 0;
        for (var k = 0; k < bars.Count; k++)
        {
            // Worked out here from the cohorts: the newest 7 whose window for the step has closed, else the newest 7.
            var closed = lifecycle.Cohorts.Where(c => c.Steps[k].Mature).TakeLast(7).ToList();
            var basis = closed.Count > 0 ? closed : newest;
            Assert.Equal((double)basis.Sum(c => c.Steps[k].Count) / basis.Sum(c => c.Steps[0].Count), bars[k].Value, 4);
            Assert.Equal(bars[k].Value * 400, bars[k].Width, 0.01);
            movedToClosedCohorts += closed.Count > 0 && newest.Any(c => !c.Steps[k].Mature) ? 1 : 0;
        }
        Assert.Equal(1, bars[0].Value);
        // At least one step's newest cohorts are still open, and its bar reads the closed ones instead.
        Assert.True(movedToClosedCohorts > 0);
    }

    [Fact]
    public void Heat_map_cells_are_as_dark_as_their_retention()
    {
        var cells = Cell().Matches(HeatmapSvg().Match(Html()).Value).ToList();
        Assert.NotEmpty(cells);
        foreach (var cell in cells)
        {
            var rate = double.Parse(cell.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(0.08 + 0.92 * rate, double.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture), 0.001);
        }
    }

    [Fact]
    public void Hostile_strings_from_event_data_show_as_text()
    {
        var html = Html(hostile: true);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror=alert", html.Replace("onerror=alert(2)&gt;", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        // Right-to-left overrides are isolated so they cannot flip the text around them.
        Assert.Contains("<bdi>\u202Eevil\u202C تسجيل</bdi>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<a ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_and_numbers_follow_the_reporting_language()
    {
        var zh = Html("zh-CN");
        Assert.Contains("<html lang=\"zh-CN\">", zh, StringComparison.Ordinal);
        Assert.Contains("生命周期漏斗", zh, StringComparison.Ordinal);
        Assert.Contains("留存", zh, StringComparison.Ordinal);
        var en = Html("en");
        Assert.Contains("Lifecycle funnel", en, StringComparison.Ordinal);
        Assert.DoesNotContain("生命周期漏斗", en, StringComparison.Ordinal);
        // Built-in step and RFM group names in the page's language too; the English page keeps the report's own names.
        foreach (var (english, chinese) in new[] { ("Signed Up", "注册"), ("first purchase", "首购"), ("repurchase", "复购") })
        {
            Assert.Contains($"<th><bdi>{chinese}</bdi></th>", zh, StringComparison.Ordinal);
            Assert.DoesNotContain($"<th><bdi>{english}</bdi></th>", zh, StringComparison.Ordinal);
            Assert.Contains($"<th><bdi>{english}</bdi></th>", en, StringComparison.Ordinal);
        }
        var groups = RenderedReports.SixtyDays.Report.Rfm.Groups.Where(g => g.Name is "champions" or "at risk").ToList();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.DoesNotContain($"<td>{g.Name}</td>", zh, StringComparison.Ordinal));
        Assert.Contains("<td>重要价值客户</td>", zh, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_sample_ratio_check_is_flagged()
    {
        var (report, trend) = RenderedReports.SixtyDays;
        var experiment = report.Experiments[0];
        var broken = report with { Experiments = [experiment with { SampleRatio = experiment.SampleRatio with { PValue = 0.00001 } }] };
        var html = Encoding.UTF8.GetString(ReportHtml.Render(broken, trend, "en"));
        Assert.Contains("class=\"warn srm\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"warn srm\"", Html(), StringComparison.Ordinal);
    }

    [Fact]
    public void Lifecycle_flow_bands_are_the_transitions_each_as_wide_as_its_persons_and_stages_as_tall_as_their_counts()
    {
        var report = RenderedReports.SixtyDays.Report;
        var flow = FlowSvg().Match(Html());
        Assert.True(flow.Success);
        var bands = Band().Matches(flow.Value).Select(m => (Persons: long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), From: m.Groups[2].Value, To: m.Groups[3].Value, Width: double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(report.Lifecycle.Transitions.Select(t => (t.From, t.To, t.Persons)).Order(), bands.Select(b => (b.From, b.To, b.Persons)).Order());
        Assert.True(bands.Count >= 6, $"only {bands.Count} bands");
        var perPerson = bands.Where(b => b.Width > 0.5).Max(b => b.Width / b.Persons);
        Assert.All(bands.Where(b => b.Width > 0.5), b => Assert.Equal(perPerson, b.Width / b.Persons, 0.01));
        var stages = report.Lifecycle.Stages;
        var nodes = Stage().Matches(flow.Value).Select(m => (Value: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Height: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.All(nodes, n => Assert.Equal(perPerson, n.Height / n.Value, 0.01));
        var total = stages.Potential + stages.New + stages.Growing + stages.Mature + stages.ChurnWarning + stages.Churned;
        Assert.Equal(2 * total, nodes.Sum(n => n.Value));
        Assert.Contains("流失预警用户", Html("zh-CN"), StringComparison.Ordinal);
    }

    [GeneratedRegex("<svg class=\"chart flow\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex FlowSvg();

    [GeneratedRegex("<path class=\"band [a-zA-Z]+\" data-value=\"([0-9]+)\" data-from=\"([a-zA-Z]+)\" data-to=\"([a-zA-Z]+)\" stroke-width=\"([0-9.]+)\"")]
    private static partial Regex Band();

    [GeneratedRegex("<rect class=\"stage\" data-value=\"([0-9]+)\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9]+\" height=\"([0-9.]+)\"")]
    private static partial Regex Stage();

    [GeneratedRegex("<svg class=\"chart funnel\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex FunnelSvg();

    [GeneratedRegex("<svg class=\"chart heatmap\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex HeatmapSvg();

    [GeneratedRegex("<rect class=\"bar[^\"]*\" data-value=\"([0-9.]+)\" x=\"160\" y=\"[0-9.]+\" width=\"([0-9.]+)\"")]
    private static partial Regex Bar();

    [GeneratedRegex("<rect class=\"cell\" data-value=\"([0-9.]+)\"[^>]*fill-opacity=\"([0-9.]+)\"")]
    private static partial Regex Cell();
}
