using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Funnel.Domain.Tests.Aggregation;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Testing;

namespace Funnel.Domain.Tests.Reports;

/// <summary>Every label localised: the zh-CN page shows no built-in English word, and the definitions' display labels name steps and targets.</summary>
public partial class LocalisationTests
{
    /// <summary>The sample targets without their labels, so the page names them by their built-in names.</summary>
    private static MetricDefinitions Unlabelled => EngineHarness.Definitions with { Targets = [.. PublishedReports.SampleDefinitions().Targets!.Select(t => t with { Labels = null })] };

    private static readonly Lazy<DailyReport> BuiltIn = new(() => RenderedReports.Complete(Unlabelled));

    private static readonly Lazy<DailyReport> Labelled = new(() => RenderedReports.Complete(PublishedReports.SampleDefinitions() with { TrackingPlan = EngineHarness.Definitions.TrackingPlan }));

    /// <summary>Words a Chinese operations reader expects in Latin letters (DAU, GMV, NPS, ROI, D7, p95, R5/F5 on the RFM grid, the messageId field).</summary>
    [GeneratedRegex("^(DAU|WAU|MAU|RFM|LTV|CAC|ARPU|ARPPU|GMV|NPS|ROI|messageId|p|p\\d+|D\\d+|R\\d|F\\d)$")]
    private static partial Regex Expected();

    /// <summary>The audience file names the page shows (a note and the audiences table point to them).</summary>
    private static readonly string[] Files = [.. AudienceMetric.Names.Select(AudienceMetric.FileName)];

    [GeneratedRegex("[A-Za-z][A-Za-z0-9]*")]
    private static partial Regex LatinWord();

    [GeneratedRegex("<(style|script)\\b.*?</\\1>", RegexOptions.Singleline)]
    private static partial Regex Hidden();

    [GeneratedRegex("\\b(?:aria-label|title)=\"([^\"]*)\"")]
    private static partial Regex ReadAloud();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    /// <summary>What a reader sees or hears: text between tags and the aria-labels, entities decoded, one piece per text node.</summary>
    private static List<string> VisibleText(string html)
    {
        var shown = Hidden().Replace(html, " ");
        var pieces = ReadAloud().Matches(shown).Select(m => m.Groups[1].Value).ToList();
        pieces.AddRange(Tag().Split(shown));
        return [.. pieces.Select(WebUtility.HtmlDecode).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!)];
    }

    /// <summary>Every string of the report that came from data or the definitions' own text (channels, platforms, experiments, event names, paths, versions).</summary>
    private static IEnumerable<string> DataValues(DailyReport report) =>
        new[] { report.Day, report.TimeZone, report.Currency, report.GeneratedAt, report.Manifest.DataThrough, report.Manifest.DefinitionsHash, report.Manifest.EngineVersion, report.Manifest.RawDays.First, report.Manifest.RawDays.Last }
            .Concat(report.Funnels.SelectMany(f => f.Breakdowns.Channel.Concat(f.Breakdowns.Platform).Select(r => r.Value)))
            .Concat(report.Money.Channels.Select(c => c.Channel))
            .Concat(report.Lifecycle.Breakdowns.Channel.Concat(report.Lifecycle.Breakdowns.Platform).Select(r => r.Value))
            .Concat(report.Campaigns.Campaigns.SelectMany(c => new[] { c.Source, c.Medium, c.Name }).Concat(report.Campaigns.Channels.Select(c => c.Channel)).OfType<string>())
            .Concat(report.HighIntent.ByChannel.Select(c => c.Value))
            .Concat(report.Experiments.SelectMany(e => e.Variants.Select(v => v.Value).Append(e.Name)))
            .Concat(report.DataQuality.Consistency.UnknownEvents.Select(u => u.Event))
            .Concat(report.DataQuality.RejectedAtIngest.Select(r => r.Reason.Split('.', 2)[1]))
            .Concat(report.Targets?.Select(t => t.Figure) ?? [])
            .Where(v => !string.IsNullOrEmpty(v));

    /// <summary>Each built-in English word or Latin-letter word not expected, with the text it stood in; data values left out.</summary>
    private static List<string> Untranslated(DailyReport report, string html)
    {
        var data = DataValues(report).Concat(Files).Distinct(StringComparer.Ordinal).OrderByDescending(v => v.Length).ToList();
        var english = ReportLabels.EnglishWording().Where(w => !Expected().IsMatch(w)).ToList();
        var found = new List<string>();
        foreach (var piece in VisibleText(html))
        {
            var text = data.Aggregate(piece, (t, value) => t.Replace(value, " ", StringComparison.Ordinal));
            found.AddRange(english.Where(w => Regex.IsMatch(text, $"(?<![A-Za-z]){Regex.Escape(w)}(?![A-Za-z])")).Select(w => $"label '{w}' in '{piece}'"));
            found.AddRange(LatinWord().Matches(text).Select(m => m.Value).Where(w => !Expected().IsMatch(w)).Select(w => $"word '{w}' in '{piece}'"));
        }
        return [.. found.Distinct(StringComparer.Ordinal)];
    }

    private static string Page(DailyReport report, string language) => Encoding.UTF8.GetString(ReportHtml.Render(report, RenderedReports.SixtyDays.Trend, language));

    [Fact]
    public void The_zh_CN_page_shows_no_untranslated_built_in_label()
    {
        var report = BuiltIn.Value;
        // The report has every block whose labels are checked, so none is skipped for want of data.
        Assert.NotNull(report.Targets);
        Assert.NotNull(report.Comparisons);
        Assert.NotEmpty(report.Money.Channels);
        Assert.NotEmpty(report.Experiments);
        Assert.NotEmpty(report.Rfm.Groups);
        Assert.NotEmpty(report.DataQuality.Consistency.UnknownEvents);
        var untranslated = Untranslated(report, Page(report, "zh-CN"));
        Assert.True(untranslated.Count == 0, string.Join("\n", untranslated));
    }

    [Fact]
    public void The_check_finds_the_built_in_english_it_is_for()
    {
        var report = BuiltIn.Value;
        var english = Page(report, "en");
        // The English page is full of them: built-in names, labels and the step names of the default funnels.
        var found = Untranslated(report, english);
        Assert.Contains("label 'Signed Up' in 'Signed Up'", found);
        Assert.Contains(found, f => f.StartsWith("label 'Missed'", StringComparison.Ordinal) || f.StartsWith("label 'Met'", StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("word 'Retention'", StringComparison.Ordinal));
        // One English word slipped into the Chinese page is found, wherever it is.
        var zh = Page(report, "zh-CN");
        Assert.Contains("label 'champions' in 'champions'", Untranslated(report, zh.Replace("重要价值客户", "champions", StringComparison.Ordinal)));
        Assert.Contains("word 'Rolling' in 'Rolling D1'", Untranslated(report, zh.Replace("滚动 D1", "Rolling D1", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_definitions_labels_name_steps_and_targets_on_both_pages()
    {
        var report = Labelled.Value;
        var zh = Page(report, "zh-CN");
        var en = Page(report, "en");
        Assert.Empty(Untranslated(report, zh));
        // The definitions' English labels, not the built-in names, on the English page; their Chinese on the Chinese one.
        Assert.Contains("<th><bdi>Viewed a product</bdi></th>", en, StringComparison.Ordinal);
        Assert.DoesNotContain(">Product Viewed<", en, StringComparison.Ordinal);
        Assert.Contains("<th><bdi>浏览商品</bdi></th>", zh, StringComparison.Ordinal);
        Assert.Contains("<bdi>7 天激活率</bdi><br><small class=\"path\"><code><bdi>comparisons.steps[Activated].rate</bdi></code></small>", zh, StringComparison.Ordinal);
        Assert.Contains("<bdi>Activated within 7 days</bdi>", en, StringComparison.Ordinal);
        // A target without labels gets the built-in name of its path, the selector as a term.
        Assert.Contains($"<bdi>{WebUtility.HtmlEncode("拉新成本（每注册用户） · wechat")}</bdi>", zh, StringComparison.Ordinal);
        Assert.Contains("<bdi>迟到事件占比</bdi>", zh, StringComparison.Ordinal);
        // report.json carries the labels for other readers of the report.
        var json = EngineHarness.Parsed(report);
        Assert.Equal("注册", json["funnels"]![0]!["steps"]![0]!["labels"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("7 天激活率", json["targets"]![0]!["labels"]!["zh-CN"]!.GetValue<string>());
        Assert.Null(EngineHarness.Parsed(BuiltIn.Value)["funnels"]![0]!["steps"]![0]!["labels"]);
    }

    [Fact]
    public void Hostile_labels_are_escaped_wherever_the_page_shows_them()
    {
        var report = RenderedReports.SixtyDays.Report;
        var hostile = new Dictionary<string, string> { ["zh-CN"] = RenderedReports.Hostile[0], ["en"] = RenderedReports.Hostile[1] };
        var lifecycle = report.Funnels[0] with { Steps = [.. report.Funnels[0].Steps.Select(s => s with { Labels = hostile })] };
        var labelled = ReportComparisons.Attach(report with { Funnels = [lifecycle, .. report.Funnels.Skip(1)] }, new Dictionary<string, IReadOnlyDictionary<DateOnly, double>>(),
            [new TargetDefinition("money.payingConversion", 0.05, TargetDefinition.Higher, Labels: hostile)]);
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var html = Page(labelled, language);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        }
        var zh = Page(labelled, "zh-CN");
        // The funnel chart, its table, the comparisons and the target row each show the escaped label.
        Assert.True(Regex.Count(zh, Regex.Escape(WebUtility.HtmlEncode(RenderedReports.Hostile[0]))) >= 4);
        Assert.Contains(WebUtility.HtmlEncode(RenderedReports.Hostile[1]), Page(labelled, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_are_validated_with_their_paths_and_leave_the_hash_alone()
    {
        const string json = """
            {
              "funnels": [{ "name": "f", "steps": [
                { "event": "a", "windowDays": null, "labels": { "zh-CN": "注册" } },
                { "event": "b", "windowDays": 3, "labels": { "": "x", "en": " " } } ] }],
              "signupEvent": "a", "experimentEvent": "e",
              "targets": [{ "figure": "money.arpu", "target": 1, "better": "higher", "labels": { "zh-CN": "" } }]
            }
            """;
        var error = Assert.Throws<ArgumentException>(() => MetricDefinitions.Load(json, "d.json")).Message;
        Assert.Contains("funnels[0].steps[1].labels: a language key must not be empty", error, StringComparison.Ordinal);
        Assert.Contains("funnels[0].steps[1].labels.en: must be a non-empty string", error, StringComparison.Ordinal);
        Assert.Contains("targets[0].labels.zh-CN: must be a non-empty string", error, StringComparison.Ordinal);
        Assert.DoesNotContain("steps[0]", error, StringComparison.Ordinal);

        var sample = PublishedReports.SampleDefinitions();
        Assert.Contains(sample.Funnels.SelectMany(f => f.Steps), s => s.Labels is not null);
        var unlabelled = sample with { Funnels = [.. sample.Funnels.Select(f => f with { Steps = [.. f.Steps.Select(s => s with { Labels = null })] })] };
        Assert.Equal(unlabelled.Hash, sample.Hash);
        Assert.NotEqual((sample with { Funnels = [.. sample.Funnels.Skip(1)] }).Hash, sample.Hash);
    }

    [Theory]
    [InlineData("zh-CN", "注册")]
    [InlineData("zh", "注册")]
    [InlineData("en", "Signed up")]
    [InlineData("fr", null)]
    public void A_label_is_chosen_by_the_language_then_its_primary_subtag(string language, string? expected) =>
        Assert.Equal(expected, DisplayLabels.For(new Dictionary<string, string> { ["zh"] = "注册", ["EN"] = "Signed up" }, language));
}
