using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Simulation;

namespace Funnel.Integration.Tests.Reports;

/// <summary>The HTML report of a generated 60-day run in headless Chromium, at a laptop's and a phone's width.</summary>
public sealed class ReportPageTests : IAsyncLifetime
{
    private const string Checks = """
        JSON.stringify({
          sections: [...document.querySelectorAll('section')].map(s => s.id),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          outside: [...document.querySelectorAll('body *')]
            .filter(e => !e.closest('.scroll') && e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.getAttribute('class')).slice(0, 5),
          funnel: [...document.querySelectorAll('#lifecycle svg rect.bar')].map(r => ({ value: +r.dataset.value, width: r.getBoundingClientRect().width })),
          layers: [...document.querySelectorAll('#layers svg.layers rect.bar')].map(r => ({ value: +r.dataset.value, width: r.getBoundingClientRect().width })),
          gmv: [...document.querySelectorAll('#purchases svg.gmv-channel rect.bar')].map(r => ({ value: +r.dataset.value, width: r.getBoundingClientRect().width })),
          campaigns: [...document.querySelectorAll('#campaigns svg.campaign-new-persons rect.bar')].map(r => ({ value: +r.dataset.value, width: r.getBoundingClientRect().width })),
          campaignRows: [...document.querySelectorAll('#campaigns table.campaigns tbody tr')].length,
          campaignChannels: [...document.querySelectorAll('#campaigns table.campaign-channels tbody tr')].length,
          payerCohorts: [...document.querySelectorAll('#purchases table.payer-cohorts tbody tr')].length,
          retentionByChannel: [...document.querySelectorAll('#retention table.retention-channel tbody tr')].length,
          stagesBy: [...document.querySelectorAll('#stages table.stages-by tbody tr')].map(tr => [...tr.querySelectorAll('td')].reduce((a, td) => a + +td.textContent.replace(/[^0-9]/g, ''), 0)),
          lifecycleBreakdowns: [...document.querySelectorAll('#lifecycle h3')].length,
          winBackBy: [...document.querySelectorAll('#win-back table.win-back-by tbody tr')].length,
          repurchase: [...document.querySelectorAll('#purchases td[data-value]')].map(td => td.dataset.value),
          heat: [...document.querySelectorAll('#retention rect.cell')].length,
          trend: [...document.querySelectorAll('#activity polyline')].length,
          errorBars: [...document.querySelectorAll('#experiments line.errorbar')].length,
          stages: [...document.querySelectorAll('#stages svg rect.stage')].map(r => ({ value: +r.dataset.value, height: r.getBoundingClientRect().height })),
          bands: [...document.querySelectorAll('#stages svg path.band')].length,
          scripts: document.scripts.length
        })
        """;

    private static readonly string[] Sections = ["targets", "lifecycle", "purchase", "retention", "activity", "sessions", "features", "touches", "comparisons", "layers", "money", "campaigns", "purchases", "experiments", "stages", "win-back", "audiences", "data-quality", "manifest"];

    private string _folder = null!;
    private DailyReport _report = null!;
    private List<ActivityPoint> _trend = null!;

    public Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("funnel-report-page-").FullName;
        var data = new JourneySimulator(new SimulationSettings { Seed = 3, Days = 60, SignupsPerDay = 40, TimeZone = "Asia/Shanghai" }).Generate();
        // The sample definitions (display labels, targets) and the comparisons, so the page shows every block it can.
        var definitions = PublishedReports.SampleDefinitions();
        var engine = new DailyAggregation(definitions, "Asia/Shanghai", 4, TimeProvider.System);
        var reports = data.Select(day => engine.FoldDay(day.Key, day.Value)).ToList();
        _report = PublishedReports.Compared(reports, definitions.Targets);
        _trend = reports.Select(ActivityPoint.Of).ToList();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private Uri Write(string language)
    {
        var path = Path.Combine(_folder, $"report.{language}.html");
        File.WriteAllBytes(path, ReportHtml.Render(_report, _trend, language));
        return new Uri(path);
    }

    [Theory]
    [InlineData("en", 1280)]
    [InlineData("en", 390)]
    [InlineData("zh-CN", 1280)]
    [InlineData("zh-CN", 390)]
    public async Task The_page_shows_every_section_with_marks_in_proportion_and_fits_the_width(string language, int width)
    {
        await using var browser = await HeadlessChromium.StartAsync();
        await browser.OpenAsync(Write(language), width);
        var result = JsonNode.Parse((await browser.EvaluateAsync(Checks))!.GetValue<string>())!;

        Assert.Equal(Sections, result["sections"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.True(result["overflow"]!.GetValue<double>() <= 0, $"the page is {result["overflow"]} px wider than the viewport");
        Assert.Empty(result["outside"]!.AsArray());
        Assert.Equal(0, result["scripts"]!.GetValue<int>());
        foreach (var chart in new[] { "funnel", "layers", "gmv", "campaigns" })
        {
            var bars = result[chart]!.AsArray().Select(b => (Value: b!["value"]!.GetValue<double>(), Width: b["width"]!.GetValue<double>())).ToList();
            Assert.True(bars.Count >= 4, $"{chart}: {bars.Count} bars");
            var largest = bars.MaxBy(b => b.Value);
            Assert.All(bars, b => Assert.Equal(b.Value / largest.Value, b.Width / largest.Width, 0.02));
        }
        var funnel = result["funnel"]!.AsArray().Select(b => b!["width"]!.GetValue<double>()).ToList();
        Assert.Equal(funnel.OrderDescending(), funnel);
        Assert.True(result["heat"]!.GetValue<int>() > 100);
        // Breakdowns by first-touch channel and platform: retention, the lifecycle funnel, win-back, and stages that add up to everyone by each.
        // One row per first-touch channel of the newest cohort with each of D1, D7, D30: the acquisition channels, direct, and the
        // channels of later campaigns (a direct person's first campaign touch is their first touch).
        var cohorts = _report.Retention.Cohorts;
        var channels = new[] { cohorts.Last(c => c.D1 is not null), cohorts.Last(c => c.D7 is not null), cohorts.Last(c => c.D30 is not null) }
            .SelectMany(c => c.Breakdowns.Channel.Select(r => r.Value)).Distinct().ToList();
        Assert.Superset(new HashSet<string> { "wechat", "douyin", "baidu", "appstore", "direct" }, channels.ToHashSet());
        Assert.Equal(channels.Count, result["retentionByChannel"]!.GetValue<int>());
        Assert.Equal(2, result["lifecycleBreakdowns"]!.GetValue<int>());
        Assert.True(result["winBackBy"]!.GetValue<int>() >= 4);
        var stagesBy = result["stagesBy"]!.AsArray().Select(n => n!.GetValue<long>()).ToList();
        var everyone = _report.Lifecycle.Stages.Potential + _report.Lifecycle.Stages.New + _report.Lifecycle.Stages.Growing + _report.Lifecycle.Stages.Mature + _report.Lifecycle.Stages.ChurnWarning + _report.Lifecycle.Stages.Churned;
        Assert.Equal(everyone * 2, stagesBy.Sum());
        // 活动效果: every campaign of the run (7 that bring persons, 3 retargeting, the win-back SMS) and the not-attributed row; one row per source.
        Assert.Equal(_report.Campaigns.Campaigns.Count + 1, result["campaignRows"]!.GetValue<int>());
        Assert.True(_report.Campaigns.Campaigns.Count >= 10, $"{_report.Campaigns.Campaigns.Count} campaigns");
        Assert.Equal(_report.Campaigns.Channels.Count, result["campaignChannels"]!.GetValue<int>());
        // 首购→复购: the newest 14 first-purchase cohorts, and both pooled repurchase rates (the 60 days have mature cohorts for each).
        Assert.Equal(14, result["payerCohorts"]!.GetValue<int>());
        Assert.All(result["repurchase"]!.AsArray(), r => Assert.InRange(double.Parse(r!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture), 0.01, 1));
        Assert.Equal(2, result["repurchase"]!.AsArray().Count);
        Assert.Equal(3, result["trend"]!.GetValue<int>());
        Assert.True(result["errorBars"]!.GetValue<int>() >= 3);
        var stages = result["stages"]!.AsArray().Select(b => (Value: b!["value"]!.GetValue<double>(), Height: b["height"]!.GetValue<double>())).ToList();
        Assert.True(stages.Count >= 6 && result["bands"]!.GetValue<int>() >= 6, $"{stages.Count} stages, {result["bands"]} bands");
        var tallest = stages.MaxBy(b => b.Value);
        Assert.All(stages.Where(b => b.Value / tallest.Value > 0.05), b => Assert.Equal(b.Value / tallest.Value, b.Height / tallest.Height, 0.03));

        var png = await browser.ScreenshotAsync();
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], png[..4]);
        var shots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(shots);
        await File.WriteAllBytesAsync(Path.Combine(shots, $"report-{language}-{width}.png"), png);
        if (Environment.GetEnvironmentVariable("FUNNEL_UPDATE_SCREENSHOTS") == "1" && width == 1280)
        {
            await File.WriteAllBytesAsync(RepoPaths.Of("docs", $"report-{language}.png"), png);
        }
    }
}
