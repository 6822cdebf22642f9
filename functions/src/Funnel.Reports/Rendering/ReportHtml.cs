using System.Globalization;
using System.Net;
using System.Text;
using Funnel.Events.Days;
using Funnel.Events.Ingest;
using Funnel.Metrics;

namespace Funnel.Reports.Rendering;

/// <summary>One day of the activity trend (from the DailyMetrics table) for the HTML report's chart.</summary>
public sealed record ActivityPoint(DateOnly Day, double Dau, double Wau, double Mau, double Stickiness)
{
    /// <summary>The report day's own point.</summary>
    public static ActivityPoint Of(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var a = report.Activity;
        return new ActivityPoint(ReportingDay.Parse(report.Day), a.Dau, a.Wau, a.Mau, a.Stickiness);
    }
}

/// <summary>
/// <c>report.html</c>: one self-contained page (inline CSS and SVG, no script, nothing fetched) that a
/// person opens offline, in a mail client or on a phone: each section a chart and the table behind it.
/// Every string that came from event data is HTML-escaped and bidi-isolated. Chart marks carry
/// <c>data-value</c> so a test can check they are drawn in proportion to the numbers.
/// </summary>
public sealed class ReportHtml
{
    private const int Width = 640;
    private readonly StringBuilder _html = new();
    private readonly ReportLabels _labels;
    private readonly CultureInfo _culture;

    private ReportHtml(string language)
    {
        _labels = new ReportLabels(language);
        _culture = CultureInfo.GetCultureInfo(_labels.Language);
    }

    public static byte[] Render(DailyReport report, IReadOnlyList<ActivityPoint> trend, string language)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(trend);
        var page = new ReportHtml(language);
        page.Write(report, trend);
        return Encoding.UTF8.GetBytes(page._html.ToString());
    }

    private void Write(DailyReport report, IReadOnlyList<ActivityPoint> trend)
    {
        var l = _labels;
        Raw($"<!DOCTYPE html><html lang=\"{l.Language}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        Raw($"<title>{E(l["title"])} {E(report.Day)}</title><style>{Css}</style></head><body>");
        Raw($"<header><h1>{E(l["title"])} · {E(report.Day)}</h1><p class=\"meta\">{E(report.TimeZone)} · {E(l["dataThrough"])} {E(report.Manifest.DataThrough)}</p>");
        if (report.Manifest.Provisional)
        {
            Raw($"<p class=\"warn\" id=\"provisional\">{E(l["provisional"])}</p>");
        }
        Raw("</header>");
        if (report.Targets is { } targets)
        {
            TargetsSection(targets);
        }
        for (var f = 0; f < report.Funnels.Count; f++)
        {
            FunnelSection(report.Funnels[f], f == 0 ? "lifecycle" : f == 1 ? "purchase" : $"funnel-{f}", f == 0 ? l["lifecycle"] : f == 1 ? l["purchase"] : $"{l["funnel"]} {l.Term(report.Funnels[f].Name)}", withBreakdowns: true);
        }
        RetentionSection(report.Retention);
        ActivitySection(report.Activity, trend);
        SessionsSection(report.Sessions);
        FeaturesSection(report.Features);
        TouchesSection(report.Touches);
        if (report.Comparisons is { } comparisons)
        {
            ComparisonsSection(comparisons, report.Funnels.Count > 0 ? report.Funnels[0].Steps : []);
        }
        LayersSection(report.Layers, report.Rfm);
        MoneySection(report.Money, report.Currency);
        CampaignsSection(report.Campaigns, report.Currency);
        PurchasesSection(report.Purchases, report.Currency);
        ExperimentsSection(report.Experiments, report.Funnels.Count > 0 ? report.Funnels[0].Steps : []);
        StagesSection(report.Lifecycle, report.Currency);
        WinBackSection(report.WinBack, report.HighIntent);
        AudiencesSection(report.Audiences);
        DataQualitySection(report.DataQuality);
        ManifestSection(report);
        Raw("</body></html>");
    }

    /// <summary>
    /// 今日目标: one row per target, its traffic light first; named by its labels for the page's language, else the
    /// path's built-in name, with the path itself (the definitions' text, escaped) in small type, left out on a phone when named.
    /// </summary>
    private void TargetsSection(IReadOnlyList<TargetResult> targets)
    {
        var l = _labels;
        Raw($"<section id=\"targets\"><h2>{E(l["targets"])}</h2><div class=\"scroll\"><table><thead><tr><th>{E(l["targetStatus"])}</th><th>{E(l["figure"])}</th><th>{E(l["actual"])}</th><th>{E(l["target"])}</th><th>{E(l["attainment"])}</th></tr></thead><tbody>");
        foreach (var t in targets)
        {
            var direction = t.Better == Metrics.TargetDefinition.Lower ? "≤" : "≥";
            Raw($"<tr class=\"target {t.Status}\" data-figure=\"{E(t.Figure)}\" data-status=\"{t.Status}\"><td><span class=\"light {t.Status}\" aria-hidden=\"true\"></span> {E(l["status." + t.Status])}</td>");
            var name = DisplayLabels.For(t.Labels, l.Language) ?? l.BuiltInFigure(t.Figure);
            Raw($"<td class=\"name\">{(name is null ? "" : $"<bdi>{E(name)}</bdi><br>")}<small{(name is null ? "" : " class=\"path\"")}><code><bdi>{E(t.Figure)}</bdi></code></small></td><td class=\"num\" data-value=\"{(t.Actual is { } a ? N(a, "0.######") : "")}\">{Number(t.Actual)}</td>");
            Raw($"<td class=\"num\" data-value=\"{N(t.Target, "0.######")}\">{direction} {Number(t.Target)}</td><td class=\"num\">{Maybe(t.Attainment)}</td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    /// <summary>环比: each headline against 1, 7 and 28 days before with a 28-day sparkline; the first funnel's steps, the worst-converting flagged.</summary>
    private void ComparisonsSection(ReportComparisons comparisons, IReadOnlyList<StepDefinitionReport> steps)
    {
        var l = _labels;
        Raw($"<section id=\"comparisons\"><h2>{E(l["comparisons"])}</h2><p class=\"note\">{E(l["comparisonsNote"])}</p>");
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["figure"])}</th><th>{E(l["today"])}</th><th>{E(l["d1"])}</th><th>{E(l["d7"])}</th><th>{E(l["d28"])}</th><th>{E(l["trend28"])}</th></tr></thead><tbody>");
        foreach (var h in comparisons.Headlines)
        {
            Raw($"<tr data-figure=\"{E(h.Name)}\"><th class=\"name\">{E(l.Figure(h.Name))}</th><td class=\"num\">{Number(h.Value)}</td>");
            Raw($"{Compared(h.Earlier.D1, h.Change.D1)}{Compared(h.Earlier.D7, h.Change.D7)}{Compared(h.Earlier.D28, h.Change.D28)}<td>{Sparkline(h.Trend)}</td></tr>");
        }
        Raw("</tbody></table></div>");
        if (comparisons.Steps.Count > 0)
        {
            Raw($"<h3>{E(l["stepConversion"])} · <bdi>{E(l.Term(comparisons.Funnel ?? ""))}</bdi></h3>");
            Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["step"])}</th><th>{E(l["today"])}</th><th>{E(l["d1"])}</th><th>{E(l["d7"])}</th><th>{E(l["d28"])}</th></tr></thead><tbody>");
            foreach (var step in comparisons.Steps)
            {
                var flag = step.Worst ? $" <strong class=\"warn\">{E(l["worstStep"])}</strong>" : "";
                Raw($"<tr data-step=\"{step.Step}\"{(step.Worst ? " class=\"worst\"" : "")}><th class=\"name\"><bdi>{E(l.Name(step.Name, step.Step < steps.Count ? steps[step.Step].Labels : null))}</bdi>{flag}</th><td class=\"num\">{Maybe(step.Rate)}{CohortSpan(step.Cohorts)}</td>");
                Raw($"{Compared(step.Earlier.D1, step.Change.D1)}{Compared(step.Earlier.D7, step.Change.D7)}{Compared(step.Earlier.D28, step.Change.D28)}</tr>");
            }
            Raw("</tbody></table></div>");
        }
        Raw("</section>");
    }

    /// <summary>Which cohorts a mature rate reads: the first and last cohort day under the rate.</summary>
    private static string CohortSpan(IReadOnlyList<string> cohorts) =>
        cohorts.Count == 0 ? "" : $"<br><small class=\"cohorts\" data-cohorts=\"{E(string.Join(' ', cohorts))}\">{E(cohorts[0])} – {E(cohorts[^1])}</small>";

    /// <summary>An earlier value and the change since; a dash where no figure is stored for that day.</summary>
    private string Compared(double? then, double? change) =>
        then is null ? "<td class=\"num\">–</td>" : $"<td class=\"num\">{Number(then)} <small class=\"{(change > 0 ? "up" : change < 0 ? "down" : "flat")}\">{(change is { } c ? c.ToString("+0.####;−0.####;±0", _culture) : "")}</small></td>";

    /// <summary>A 28-day line, oldest left; days without a stored figure leave a gap. Each point carries its value for tests.</summary>
    private static string Sparkline(IReadOnlyList<double?> values)
    {
        const int width = 112, height = 24;
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        var (min, max) = known.Count == 0 ? (0, 1) : (known.Min(), known.Max());
        var range = max - min == 0 ? 1 : max - min;
        var html = new StringBuilder($"<svg class=\"spark\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" data-values=\"{string.Join(' ', values.Select(v => v is { } x ? N(x, "0.######") : "null"))}\">");
        var run = new List<string>();
        void Flush()
        {
            if (run.Count > 0)
            {
                html.Append(run.Count == 1 ? $"<circle cx=\"{run[0].Split(',')[0]}\" cy=\"{run[0].Split(',')[1]}\" r=\"1.5\"/>" : $"<polyline points=\"{string.Join(' ', run)}\"/>");
                run.Clear();
            }
        }
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is { } v)
            {
                var x = values.Count == 1 ? width / 2.0 : 2 + i * (width - 4.0) / (values.Count - 1);
                run.Add($"{N(x)},{N(height - 2 - (v - min) * (height - 4) / range)}");
            }
            else
            {
                Flush();
            }
        }
        Flush();
        return html.Append("</svg>").ToString();
    }

    private void FunnelSection(FunnelReport funnel, string id, string title, bool withBreakdowns)
    {
        var l = _labels;
        Raw($"<section id=\"{id}\"><h2>{E(title)}</h2>");
        var cohorts = funnel.Cohorts.TakeLast(14).ToList();
        if (cohorts.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p></section>");
            return;
        }
        // Each step over the newest 7 cohorts whose window for that step has closed, so an open window never reads as a
        // low rate; a step no cohort has closed yet shows the newest 7, marked *.
        var newest = funnel.Cohorts.TakeLast(7).ToList();
        var basis = funnel.Steps.Select((_, k) => funnel.Cohorts.Where(c => c.Steps[k].Mature).TakeLast(7).ToList() is { Count: > 0 } closed ? closed : newest).ToArray();
        var immature = funnel.Steps.Select((_, k) => basis[k].Any(c => !c.Steps[k].Mature)).ToArray();
        var rates = funnel.Steps.Select((_, k) => basis[k].Sum(c => c.Steps[0].Count) is var entered and > 0 ? (double)basis[k].Sum(c => c.Steps[k].Count) / entered : 0).ToArray();
        Raw($"<p class=\"note\">{E(l["lifecycleNote"])}</p>");
        var rowHeight = 44;
        Raw($"<svg class=\"chart funnel\" viewBox=\"0 0 {Width} {funnel.Steps.Count * rowHeight + 8}\" role=\"img\" aria-label=\"{E(title)}\">");
        for (var k = 0; k < funnel.Steps.Count; k++)
        {
            var y = k * rowHeight + 4;
            var width = rates[k] * 400.0;
            var reached = basis[k].Sum(c => c.Steps[k].Count);
            var stepName = l.Name(funnel.Steps[k].Name, funnel.Steps[k].Labels);
            Raw($"<text x=\"0\" y=\"{y + 20}\" class=\"label\">{E(Short(stepName))}<title>{E(stepName)}</title></text>");
            Raw($"<rect class=\"bar{(immature[k] ? " immature" : "")}\" data-value=\"{rates[k].ToString("0.######", CultureInfo.InvariantCulture)}\" x=\"160\" y=\"{y + 4}\" width=\"{N(width)}\" height=\"24\" data-cohorts=\"{basis[k].Count}\"/>");
            Raw($"<text x=\"{N(166 + width)}\" y=\"{y + 21}\" class=\"value\">{Percent(rates[k])}{(immature[k] ? "*" : "")} · {Count(reached)}</text>");
            if (k > 0 && rates[k - 1] > 0)
            {
                Raw($"<text x=\"160\" y=\"{y + 2}\" class=\"drop\">−{Percent(Math.Max(0, 1 - rates[k] / rates[k - 1]))} {E(l["dropOff"])}</text>");
            }
        }
        Raw("</svg>");
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["cohort"])}</th>");
        foreach (var step in funnel.Steps)
        {
            Raw($"<th><bdi>{E(_labels.Name(step.Name, step.Labels))}</bdi></th>");
        }
        Raw("</tr></thead><tbody>");
        foreach (var cohort in cohorts)
        {
            Raw($"<tr><td class=\"key\">{E(cohort.Day)}</td>");
            foreach (var step in cohort.Steps)
            {
                Raw($"<td class=\"num{(step.Mature ? "" : " immature")}\">{Count(step.Count)} <small>{Percent(step.Rate)}{(step.Mature ? "" : "*")}</small></td>");
            }
            Raw("</tr>");
        }
        Raw("</tbody></table></div>");
        if (withBreakdowns)
        {
            Breakdown(l["byChannel"], funnel.Breakdowns.Channel, funnel.Steps);
            Breakdown(l["byPlatform"], funnel.Breakdowns.Platform, funnel.Steps);
        }
        Raw("</section>");
    }

    private void Breakdown(string title, IReadOnlyList<BreakdownRow> rows, IReadOnlyList<StepDefinitionReport> steps)
    {
        Raw($"<h3>{E(title)}</h3><div class=\"scroll\"><table><thead><tr><th></th>");
        foreach (var step in steps)
        {
            Raw($"<th><bdi>{E(_labels.Name(step.Name, step.Labels))}</bdi></th>");
        }
        Raw("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            Raw($"<tr><th class=\"name\"><bdi>{E(row.Value)}</bdi></th>");
            foreach (var step in row.Steps)
            {
                Raw($"<td class=\"num\">{Count(step.Count)} <small>{Percent(step.Rate)}</small></td>");
            }
            Raw("</tr>");
        }
        Raw("</tbody></table></div>");
    }

    private void RetentionSection(RetentionReport retention)
    {
        var l = _labels;
        Raw($"<section id=\"retention\"><h2>{E(l["retention"])}</h2><p class=\"note\">{E(l["retentionNote"])}</p>");
        var cohorts = retention.Cohorts;
        if (cohorts.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p></section>");
            return;
        }
        const int cell = 17;
        Raw($"<svg class=\"chart heatmap\" viewBox=\"0 0 {90 + 31 * cell} {(cohorts.Count + 1) * cell + 4}\" role=\"img\" aria-label=\"{E(l["retention"])}\">");
        for (var n = 0; n <= 30; n += 5)
        {
            Raw($"<text x=\"{90 + n * cell + 2}\" y=\"12\" class=\"axis\">D{n}</text>");
        }
        for (var i = 0; i < cohorts.Count; i++)
        {
            var y = (i + 1) * cell;
            Raw($"<text x=\"0\" y=\"{y + 12}\" class=\"axis\">{E(cohorts[i].Day)}</text>");
            for (var n = 0; n < cohorts[i].Days.Count; n++)
            {
                if (cohorts[i].Days[n] is { } rate)
                {
                    Raw($"<rect class=\"cell\" data-value=\"{N(rate)}\" x=\"{90 + n * cell}\" y=\"{y}\" width=\"{cell - 1}\" height=\"{cell - 1}\" fill-opacity=\"{N(0.08 + 0.92 * rate)}\"><title>{E(cohorts[i].Day)} D{n}: {Percent(rate)}</title></rect>");
                }
            }
        }
        Raw("</svg>");
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["cohort"])}</th><th>{E(l["size"])}</th><th>D1</th><th>D7</th><th>D30</th><th>{E(l["rolling"])} D1</th><th>{E(l["rolling"])} D7</th><th>{E(l["rolling"])} D30</th></tr></thead><tbody>");
        foreach (var c in cohorts.Reverse())
        {
            Raw($"<tr><td class=\"key\">{E(c.Day)}</td><td class=\"num\">{Count(c.Size)}</td><td class=\"num\">{Maybe(c.D1)}</td><td class=\"num\">{Maybe(c.D7)}</td><td class=\"num\">{Maybe(c.D30)}</td><td class=\"num\">{Maybe(c.Rolling.D1)}</td><td class=\"num\">{Maybe(c.Rolling.D7)}</td><td class=\"num\">{Maybe(c.Rolling.D30)}</td></tr>");
        }
        Raw("</tbody></table></div>");
        RetentionBreakdown(l["byChannel"], "retention-channel", retention.Cohorts, c => c.Breakdowns.Channel);
        RetentionBreakdown(l["byPlatform"], "retention-platform", retention.Cohorts, c => c.Breakdowns.Platform);
        Raw("</section>");
    }

    /// <summary>
    /// 不同渠道用户的留存差异: D1, D7 and D30 by value, each from the newest cohort whose day has come (named in the column),
    /// so every column reads one whole cohort.
    /// </summary>
    private void RetentionBreakdown(string title, string id, IReadOnlyList<RetentionCohort> cohorts, Func<RetentionCohort, IReadOnlyList<RetentionBreakdownRow>> rows)
    {
        var columns = new (string Name, RetentionCohort? Cohort, Func<RetentionBreakdownRow, double?> Rate)[]
        {
            ("D1", cohorts.LastOrDefault(c => c.D1 is not null), r => r.D1),
            ("D7", cohorts.LastOrDefault(c => c.D7 is not null), r => r.D7),
            ("D30", cohorts.LastOrDefault(c => c.D30 is not null), r => r.D30),
        };
        var values = columns.Where(c => c.Cohort is not null).SelectMany(c => rows(c.Cohort!).Select(r => r.Value)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (values.Count == 0)
        {
            return;
        }
        Raw($"<h3>{E(title)}</h3><div class=\"scroll\"><table class=\"{id}\"><thead><tr><th></th>");
        foreach (var (name, cohort, _) in columns)
        {
            Raw($"<th>{name}{(cohort is null ? "" : $" <small>{E(_labels["cohort"])} {E(cohort.Day)}</small>")}</th>");
        }
        Raw("</tr></thead><tbody>");
        foreach (var value in values)
        {
            Raw($"<tr><th class=\"name\"><bdi>{E(value)}</bdi></th>");
            foreach (var (_, cohort, rate) in columns)
            {
                var row = cohort is null ? null : rows(cohort).FirstOrDefault(r => r.Value == value);
                Raw($"<td class=\"num\">{(row is null ? "–" : $"{Maybe(rate(row))} <small>/ {Count(row.Size)}</small>")}</td>");
            }
            Raw("</tr>");
        }
        Raw("</tbody></table></div>");
    }

    private void ActivitySection(ActivityReport activity, IReadOnlyList<ActivityPoint> trend)
    {
        var l = _labels;
        Raw($"<section id=\"activity\"><h2>{E(l["activity"])}</h2><p class=\"note\">{E(l["activityNote"])}</p>");
        var points = trend.OrderBy(p => p.Day).TakeLast(90).ToList();
        if (points.Count > 0)
        {
            var max = Math.Max(1, points.Max(p => Math.Max(p.Mau, Math.Max(p.Wau, p.Dau))));
            const int height = 200;
            double X(int i) => points.Count == 1 ? Width / 2.0 : 40 + i * (Width - 50.0) / (points.Count - 1);
            double Y(double v) => height - 10 - v * (height - 30) / max;
            Raw($"<svg class=\"chart trend\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"{E(l["activity"])}\">");
            Raw($"<text x=\"0\" y=\"{N(Y(max) + 4)}\" class=\"axis\">{Count((long)max)}</text><text x=\"0\" y=\"{height - 6}\" class=\"axis\">0</text>");
            foreach (var (name, value) in new (string, Func<ActivityPoint, double>)[] { ("mau", p => p.Mau), ("wau", p => p.Wau), ("dau", p => p.Dau) })
            {
                var path = string.Join(' ', points.Select((p, i) => $"{N(X(i))},{N(Y(value(p)))}"));
                Raw($"<polyline class=\"series {name}\" data-values=\"{string.Join(' ', points.Select(p => N(value(p))))}\" points=\"{path}\"/>");
                Raw($"<text x=\"{N(X(points.Count - 1) - 30)}\" y=\"{N(Y(value(points[^1])) - 4)}\" class=\"legend {name}\">{name.ToUpperInvariant()}</text>");
            }
            Raw("</svg>");
        }
        Raw("<div class=\"scroll\"><table><tbody>");
        Raw($"<tr><th>DAU</th><td class=\"num\">{Count(activity.Dau)}</td><th>WAU</th><td class=\"num\">{Count(activity.Wau)}</td><th>MAU</th><td class=\"num\">{Count(activity.Mau)}</td></tr>");
        Raw($"<tr><th>{E(l["stickiness"])}</th><td class=\"num\">{Percent(activity.Stickiness)}</td><th>{E(l["newPersons"])}</th><td class=\"num\">{Count(activity.NewPersons)}</td><th>{E(l["returning"])} / {E(l["resurrected"])}</th><td class=\"num\">{Count(activity.Returning)} / {Count(activity.Resurrected)}</td></tr>");
        Raw("</tbody></table></div></section>");
    }

    private void LayersSection(LayersReport layers, RfmReport rfm)
    {
        var l = _labels;
        Raw($"<section id=\"layers\"><h2>{E(l["layers"])}</h2>");
        var rows = new (string Key, long Count, double? Conversion)[]
        {
            ("new", layers.New, layers.PurchaseConversion.New), ("active", layers.Active, layers.PurchaseConversion.Active),
            ("highValue", layers.HighValue, null), ("dormant", layers.Dormant, null), ("activeNeverPaid", layers.ActiveNeverPaid, layers.PurchaseConversion.ActiveNeverPaid),
        };
        Bars("layers", rows.Select(r => (l[r.Key], (double)r.Count, Count(r.Count))).ToList());
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["layer"])}</th><th>{E(l["persons"])}</th><th>{E(l["purchaseConversion"])}</th></tr></thead><tbody>");
        foreach (var r in rows)
        {
            Raw($"<tr><td>{E(l[r.Key])}</td><td class=\"num\">{Count(r.Count)}</td><td class=\"num\">{Maybe(r.Conversion)}</td></tr>");
        }
        Raw("</tbody></table></div>");

        Raw($"<h3>{E(l["rfm"])}</h3><p class=\"note\">{E(l["rfmNote"])}</p>");
        var grid = new long[6, 6];
        foreach (var c in rfm.Cells)
        {
            grid[c.R, c.F] += c.Persons;
        }
        var max = Math.Max(1, rfm.Cells.Count == 0 ? 1 : Enumerable.Range(1, 5).SelectMany(r => Enumerable.Range(1, 5).Select(f => grid[r, f])).Max());
        const int cell = 44;
        Raw($"<svg class=\"chart rfm\" viewBox=\"0 0 {30 + 5 * cell} {30 + 5 * cell}\" role=\"img\" aria-label=\"RFM\">");
        for (var r = 5; r >= 1; r--)
        {
            var y = (5 - r) * cell;
            Raw($"<text x=\"0\" y=\"{y + 26}\" class=\"axis\">R{r}</text>");
            for (var f = 1; f <= 5; f++)
            {
                var x = 30 + (f - 1) * cell;
                Raw($"<rect class=\"cell\" data-value=\"{grid[r, f]}\" x=\"{x}\" y=\"{y}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill-opacity=\"{N(0.08 + 0.92 * grid[r, f] / max)}\"/>");
                Raw($"<text x=\"{x + cell / 2 - 1}\" y=\"{y + 26}\" class=\"cellvalue\">{Count(grid[r, f])}</text>");
            }
        }
        for (var f = 1; f <= 5; f++)
        {
            Raw($"<text x=\"{30 + (f - 1) * cell + 14}\" y=\"{5 * cell + 20}\" class=\"axis\">F{f}</text>");
        }
        Raw("</svg>");
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["group"])}</th><th>{E(l["persons"])}</th></tr></thead><tbody>");
        foreach (var g in rfm.Groups)
        {
            Raw($"<tr><td>{E(l.Term(g.Name))}</td><td class=\"num\">{Count(g.Persons)}</td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    private void MoneySection(MoneyReport money, string currency)
    {
        var l = _labels;
        Raw($"<section id=\"money\"><h2>{E(l["money"])}</h2><div class=\"scroll\"><table><tbody>");
        Raw($"<tr><th>{E(l["payingPersons"])}</th><td class=\"num\">{Count(money.PayingPersons)}</td><th>{E(l["payingConversion"])}</th><td class=\"num\">{Percent(money.PayingConversion)}</td></tr>");
        Raw($"<tr><th>{E(l["revenue"])}</th><td class=\"num\">{Money(money.Revenue, currency)}</td><th>ARPU / ARPPU</th><td class=\"num\">{Money(money.Arpu, currency)} / {Money(money.Arppu, currency)}</td></tr>");
        Raw("</tbody></table></div>");
        if (money.Channels.Count > 0)
        {
            Bars("ltv-to-cac", money.Channels.Select(c => (c.Channel, c.LtvToCac ?? 0, c.LtvToCac is { } v ? v.ToString("0.00", _culture) : "–")).ToList());
            Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["channel"])}</th><th>{E(l["newPersons"])}</th><th>{E(l["newSignups"])}</th><th>{E(l["cost"])}</th><th>{E(l["cac"])}</th><th>{E(l["ltv90"])}</th><th>{E(l["ltvToCac"])}</th></tr></thead><tbody>");
            foreach (var c in money.Channels)
            {
                Raw($"<tr><td><bdi>{E(c.Channel)}</bdi></td><td class=\"num\">{Count(c.NewPersons)}</td><td class=\"num\">{Count(c.NewSignups)}</td><td class=\"num\">{Money(c.Cost, currency)}</td><td class=\"num\">{(c.Cac is { } cac ? Money(cac, currency) : "–")}</td><td class=\"num\">{(c.Ltv90 is { } ltv ? Money(ltv, currency) : "–")}</td><td class=\"num\">{(c.LtvToCac is { } r ? r.ToString("0.00", _culture) : "–")}</td></tr>");
            }
            Raw("</tbody></table></div>");
        }
        Raw("</section>");
    }

    /// <summary>Campaigns shown on the page: the most revenue by last touch first; the JSON and CSV hold every one.</summary>
    private const int CampaignRowsShown = 20;

    /// <summary>
    /// 活动效果与归因: each campaign's (then each channel's) conversions of the window, every cell first touch / last touch, ROI where
    /// spend is known; what neither model credits last. The most revenue by last touch first, at most <see cref="CampaignRowsShown"/> campaigns.
    /// </summary>
    private void CampaignsSection(CampaignsReport campaigns, string currency)
    {
        var l = _labels;
        Raw($"<section id=\"campaigns\"><h2>{E(l["campaigns"])}</h2><p class=\"note\">{E(l["campaignsNote"])}</p>");
        if (campaigns.Campaigns.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p></section>");
            return;
        }
        var shown = campaigns.Campaigns.OrderByDescending(c => c.LastTouch.Revenue).ThenByDescending(c => c.FirstTouch.NewPersons).Take(CampaignRowsShown).ToList();
        Bars("campaign-new-persons", shown.Where(c => c.FirstTouch.NewPersons > 0).Select(c => (c.Name ?? c.Source ?? "", (double)c.FirstTouch.NewPersons, Count(c.FirstTouch.NewPersons))).ToList());
        string Both(long first, long last) => $"{Count(first)} <small>/ {Count(last)}</small>";
        string Roi(double? roi) => roi is { } r ? r.ToString("+0%;-0%;0%", _culture) : "–";
        string Cells(CampaignConversions first, CampaignConversions last, decimal? spend) =>
            $"<td class=\"num\">{Count(first.NewPersons)}</td><td class=\"num\">{Both(first.Signups, last.Signups)}</td><td class=\"num\">{Both(first.FirstPurchases, last.FirstPurchases)}</td>"
            + $"<td class=\"num\">{Money(first.Revenue, currency)}<br><small>/ {Money(last.Revenue, currency)}</small></td>"
            + $"<td class=\"num\">{(spend is { } s ? Money(s, currency) : "–")}</td><td class=\"num\">{(first.Roi is null && last.Roi is null ? "–" : $"{Roi(first.Roi)} <small>/ {Roi(last.Roi)}</small>")}</td>";
        var head = $"<th>{E(l["newPersons"])}</th><th>{E(l["signups"])}</th><th>{E(l["firstPurchases"])}</th><th>{E(l["campaignRevenue"])}</th><th>{E(l["spend"])}</th><th>ROI</th></tr></thead><tbody>";
        Raw($"<div class=\"scroll\"><table class=\"campaigns\"><thead><tr><th>{E(l["campaign"])}</th>{head}");
        foreach (var c in shown)
        {
            var source = string.Join(" / ", new[] { c.Source, c.Medium }.Where(p => p is not null));
            Raw($"<tr><th class=\"name\"><bdi>{E(c.Name ?? "–")}</bdi><br><small><bdi>{E(source)}</bdi></small></th>{Cells(c.FirstTouch, c.LastTouch, c.Spend)}</tr>");
        }
        var none = campaigns.NotAttributed;
        Raw($"<tr class=\"not-attributed\"><th class=\"name\">{E(l["notAttributed"])}</th>{Cells(none.FirstTouch, none.LastTouch, null)}</tr>");
        Raw("</tbody></table></div>");
        Raw($"<h3>{E(l["byChannel"])}</h3><div class=\"scroll\"><table class=\"campaign-channels\"><thead><tr><th>{E(l["channel"])}</th>{head}");
        foreach (var c in campaigns.Channels)
        {
            Raw($"<tr><th class=\"name\"><bdi>{E(c.Channel)}</bdi></th>{Cells(c.FirstTouch, c.LastTouch, c.Spend)}</tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    /// <summary>
    /// 首购→复购 and payers: the pooled repurchase rates with the counts and cohorts behind them, new payers and orders; then the
    /// newest 14 first-purchase cohorts (repurchase and payer retention, * for an open window) and the 30 days' GMV by channel and platform.
    /// </summary>
    private void PurchasesSection(PurchasesReport purchases, string currency)
    {
        var l = _labels;
        var (funnel, payers, orders) = (purchases.Funnel, purchases.NewPayers, purchases.Orders);
        Raw($"<section id=\"purchases\"><h2>{E(l["purchases"])}</h2><p class=\"note\">{E(l["purchasesNote"])}</p><div class=\"scroll\"><table><tbody>");
        Raw($"<tr><th>{E(l["repurchase7"])}</th><td class=\"num\" data-value=\"{(funnel.Within7.Rate is { } r7 ? N(r7, "0.######") : "")}\">{Pooled(funnel.Within7)}</td></tr>");
        Raw($"<tr><th>{E(l["repurchase30"])}</th><td class=\"num\" data-value=\"{(funnel.Within30.Rate is { } r30 ? N(r30, "0.######") : "")}\">{Pooled(funnel.Within30)}</td></tr>");
        Raw($"<tr><th>{E(l["newPayers"])}</th><td class=\"num\">{Count(payers.Day)} · {Count(payers.Last7)} · {Count(payers.Last30)}</td></tr>");
        Raw($"<tr><th>{E(l["ordersToday"])}</th><td class=\"num\">{Orders(orders.Day, currency)}</td></tr>");
        Raw($"<tr><th>{E(l["orders30"])}</th><td class=\"num\">{Orders(orders.Last30, currency)}</td></tr>");
        Raw("</tbody></table></div>");
        var cohorts = funnel.Cohorts.TakeLast(14).ToList();
        if (cohorts.Count > 0)
        {
            var retention = purchases.PayerRetention.ToDictionary(c => c.Day, StringComparer.Ordinal);
            Raw($"<div class=\"scroll\"><table class=\"payer-cohorts\"><thead><tr><th>{E(l["firstPurchaseDay"])}</th><th>{E(l["firstPurchases"])}</th><th>{E(l["within7"])}</th><th>{E(l["within30"])}</th><th>D1</th><th>D7</th><th>D30</th></tr></thead><tbody>");
            foreach (var c in cohorts)
            {
                var kept = retention[c.Day];
                Raw($"<tr><td class=\"key\">{E(c.Day)}</td><td class=\"num\">{Count(c.FirstPurchases)}</td>{Repurchased(c.Within7)}{Repurchased(c.Within30)}<td class=\"num\">{Maybe(kept.D1)}</td><td class=\"num\">{Maybe(kept.D7)}</td><td class=\"num\">{Maybe(kept.D30)}</td></tr>");
            }
            Raw("</tbody></table></div>");
        }
        foreach (var (title, rows, id) in new[] { (l["ordersByChannel"], orders.ByChannel, "gmv-channel"), (l["ordersByPlatform"], orders.ByPlatform, "gmv-platform") })
        {
            if (rows.Count == 0)
            {
                continue;
            }
            Raw($"<h3>{E(title)}</h3>");
            Bars(id, rows.Select(r => (r.Value, (double)r.Last30.Gmv, r.Last30.Gmv.ToString("N0", _culture))).ToList());
            Raw($"<div class=\"scroll\"><table class=\"orders\"><thead><tr><th></th><th>{E(l["ordersTodayShort"])}</th><th>{E(l["orders30Short"])}</th><th>GMV</th><th>{E(l["aov"])}</th></tr></thead><tbody>");
            foreach (var r in rows)
            {
                Raw($"<tr><td class=\"key\"><bdi>{E(r.Value)}</bdi></td><td class=\"num\">{Count(r.Day.Orders)}</td><td class=\"num\">{Count(r.Last30.Orders)}</td><td class=\"num\">{Money(r.Last30.Gmv, currency)}</td><td class=\"num\">{Money(r.Last30.Aov, currency)}</td></tr>");
            }
            Raw("</tbody></table></div>");
        }
        Raw("</section>");
    }

    /// <summary>A pooled repurchase rate with its counts and the cohorts it reads, or a dash when no cohort's window has closed.</summary>
    private string Pooled(MatureRepurchase pooled) => pooled.Rate is { } rate
        ? $"<strong>{Percent(rate)}</strong> <small>({Count(pooled.Repurchased)} / {Count(pooled.FirstPurchases)}, {E(pooled.From)} – {E(pooled.To)})</small>"
        : "–";

    private string Repurchased(RepurchaseStep step) =>
        $"<td class=\"num{(step.Mature ? "" : " immature")}\">{Count(step.Count)} <small>{Percent(step.Rate)}{(step.Mature ? "" : "*")}</small></td>";

    private string Orders(OrderTotals totals, string currency) =>
        $"{Count(totals.Orders)} · {Money(totals.Gmv, currency)} · {Money(totals.Aov, currency)}";

    private void ExperimentsSection(IReadOnlyList<ExperimentReport> experiments, IReadOnlyList<StepDefinitionReport> steps)
    {
        var l = _labels;
        Raw($"<section id=\"experiments\"><h2>{E(l["experiments"])}</h2>");
        if (experiments.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p>");
        }
        foreach (var experiment in experiments)
        {
            Raw($"<h3><bdi>{E(experiment.Name)}</bdi> · <bdi>{E(l.Name(experiment.Step, steps.FirstOrDefault(s => s.Name == experiment.Step)?.Labels))}</bdi></h3>");
            var srmFailed = experiment.SampleRatio.PValue is < 0.001;
            Raw(srmFailed ? $"<p class=\"warn srm\">{E(l["srmFailed"])}</p>"
                : experiment.SampleRatio.PValue is null ? $"<p class=\"note\">{E(l["none"])}</p>"
                : $"<p class=\"note\">{E(l["srmOk"])} (p = {Maybe(experiment.SampleRatio.PValue, "0.000")})</p>");
            if (experiment.Variants.Count == 0)
            {
                continue;
            }
            var control = experiment.Variants.FirstOrDefault(v => v.Value == experiment.Control);
            var max = Math.Max(0.01, experiment.Variants.Max(v => Math.Max(v.Rate, control is null || v.Ci95 is null ? 0 : control.Rate + v.Ci95[1])));
            const int rowHeight = 36;
            Raw($"<svg class=\"chart experiment\" viewBox=\"0 0 {Width} {experiment.Variants.Count * rowHeight + 8}\" role=\"img\" aria-label=\"{E(experiment.Name)}\">");
            for (var i = 0; i < experiment.Variants.Count; i++)
            {
                var v = experiment.Variants[i];
                var y = i * rowHeight + 4;
                double X(double rate) => 160 + rate * 400 / max;
                Raw($"<text x=\"0\" y=\"{y + 18}\" class=\"label\">{E(Short(v.Value))}<title>{E(v.Value)}</title></text>");
                Raw($"<rect class=\"bar\" data-value=\"{N(v.Rate)}\" x=\"160\" y=\"{y + 4}\" width=\"{N(X(v.Rate) - 160)}\" height=\"20\"/>");
                if (control is not null && v.Ci95 is { Count: 2 } ci)
                {
                    var (low, high) = (Math.Max(0, control.Rate + ci[0]), control.Rate + ci[1]);
                    Raw($"<line class=\"errorbar\" data-low=\"{N(low)}\" data-high=\"{N(high)}\" x1=\"{N(X(low))}\" x2=\"{N(X(high))}\" y1=\"{y + 14}\" y2=\"{y + 14}\"/>");
                    Raw($"<line class=\"errorbar\" x1=\"{N(X(low))}\" x2=\"{N(X(low))}\" y1=\"{y + 8}\" y2=\"{y + 20}\"/><line class=\"errorbar\" x1=\"{N(X(high))}\" x2=\"{N(X(high))}\" y1=\"{y + 8}\" y2=\"{y + 20}\"/>");
                }
                Raw($"<text x=\"{N(Math.Min(X(v.Rate) + 6, Width - 60))}\" y=\"{y + 30}\" class=\"value\">{Percent(v.Rate)}</text>");
            }
            Raw("</svg>");
            Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["variant"])}</th><th>{E(l["exposed"])}</th><th>{E(l["expectedShare"])}</th><th>{E(l["observedShare"])}</th><th>{E(l["converted"])}</th><th>{E(l["rate"])}</th><th>{E(l["lift"])}</th><th>{E(l["pValue"])}</th><th>{E(l["ci95"])}</th></tr></thead><tbody>");
            foreach (var v in experiment.Variants)
            {
                var interval = v.Ci95 is { Count: 2 } c ? $"[{c[0].ToString("+0.0%;-0.0%", _culture)}, {c[1].ToString("+0.0%;-0.0%", _culture)}]" : "–";
                Raw($"<tr><td><bdi>{E(v.Value)}</bdi></td><td class=\"num\">{Count(v.Exposed)}</td><td class=\"num share expected\">{Maybe(experiment.SampleRatio.Expected.TryGetValue(v.Value, out var expected) ? expected : null)}</td><td class=\"num share observed\">{Maybe(experiment.SampleRatio.Observed.TryGetValue(v.Value, out var observed) ? observed : null)}</td><td class=\"num\">{Count(v.Converted)}</td><td class=\"num\">{Percent(v.Rate)}</td><td class=\"num\">{Maybe(v.Lift)}</td><td class=\"num\">{Maybe(v.PValue, "0.000")}</td><td class=\"num\">{E(interval)}</td></tr>");
            }
            Raw("</tbody></table></div>");
            TestsTable(experiment, steps);
        }
        Raw("</section>");
    }

    /// <summary>Every variant on every tested step: its rate, lift, p-value and interval against control.</summary>
    private void TestsTable(ExperimentReport experiment, IReadOnlyList<StepDefinitionReport> steps)
    {
        var l = _labels;
        Raw($"<h4>{E(l["testedSteps"])}</h4>");
        Raw($"<div class=\"scroll\"><table class=\"tests\"><thead><tr><th>{E(l["variant"])}</th><th>{E(l["step"])}</th><th>{E(l["converted"])}</th><th>{E(l["rate"])}</th><th>{E(l["lift"])}</th><th>{E(l["pValue"])}</th><th>{E(l["ci95"])}</th></tr></thead><tbody>");
        foreach (var v in experiment.Variants)
        {
            foreach (var t in v.Tests)
            {
                var interval = t.Ci95 is { Count: 2 } c ? $"[{c[0].ToString("+0.0%;-0.0%", _culture)}, {c[1].ToString("+0.0%;-0.0%", _culture)}]" : "–";
                var step = l.Name(t.Step, steps.FirstOrDefault(s => s.Name == t.Step)?.Labels);
                Raw($"<tr><td><bdi>{E(v.Value)}</bdi></td><td><bdi>{E(step)}</bdi></td><td class=\"num\">{Count(t.Converted)}</td><td class=\"num\">{Percent(t.Rate)}</td><td class=\"num\">{Maybe(t.Lift)}</td><td class=\"num\">{Maybe(t.PValue, "0.000")}</td><td class=\"num\">{E(interval)}</td></tr>");
            }
        }
        Raw("</tbody></table></div>");
    }

    /// <summary>
    /// The six lifecycle stages as a flow: the day before's stages (and persons not seen yet) on the left, today's on
    /// the right, each band as wide as the persons who moved that way; then each stage's count and KPI.
    /// </summary>
    private void StagesSection(LifecycleReport lifecycle, string currency)
    {
        var l = _labels;
        Raw($"<section id=\"stages\"><h2>{E(l["stages"])}</h2><p class=\"note\">{E(l["stagesNote"])}</p>");
        var stages = LifecycleMetric.Stages;
        var today = new long[] { lifecycle.Stages.Potential, lifecycle.Stages.New, lifecycle.Stages.Growing, lifecycle.Stages.Mature, lifecycle.Stages.ChurnWarning, lifecycle.Stages.Churned };
        var sources = new[] { LifecycleMetric.NoStage }.Concat(stages).ToList();
        var before = sources.Select(from => lifecycle.Transitions.Where(t => t.From == from).Sum(t => t.Persons)).ToArray();
        var total = today.Sum();
        if (total > 0)
        {
            const int height = 330, gap = 8, nodeWidth = 14, left = 150, right = Width - 150;
            var scale = (height - gap * sources.Count) / (double)total;
            double[] Tops(long[] counts)
            {
                var tops = new double[counts.Length];
                var y = 4.0;
                for (var i = 0; i < counts.Length; i++)
                {
                    tops[i] = y;
                    y += counts[i] * scale + (counts[i] > 0 ? gap : 0);
                }
                return tops;
            }
            var (fromTops, toTops) = (Tops(before), Tops(today));
            Raw($"<svg class=\"chart flow\" viewBox=\"0 0 {Width} {height + 10 + 14 * sources.Count}\" role=\"img\" aria-label=\"{E(l["stages"])}\">");
            var fromUsed = new double[sources.Count];
            var toUsed = new double[stages.Length];
            foreach (var t in lifecycle.Transitions.OrderBy(t => sources.IndexOf(t.From)).ThenBy(t => Array.IndexOf(stages, t.To)))
            {
                var (f, to) = (sources.IndexOf(t.From), Array.IndexOf(stages, t.To));
                var width = t.Persons * scale;
                var y1 = fromTops[f] + fromUsed[f] + width / 2;
                var y2 = toTops[to] + toUsed[to] + width / 2;
                fromUsed[f] += width;
                toUsed[to] += width;
                var (x1, x2, mid) = (left + nodeWidth, right, (left + nodeWidth + right) / 2.0);
                Raw($"<path class=\"band {t.To}\" data-value=\"{t.Persons}\" data-from=\"{t.From}\" data-to=\"{t.To}\" stroke-width=\"{N(Math.Max(width, 0.5))}\" d=\"M{x1},{N(y1)} C{N(mid)},{N(y1)} {N(mid)},{N(y2)} {x2},{N(y2)}\"><title>{E(StageName(t.From))} → {E(StageName(t.To))}: {Count(t.Persons)}</title></path>");
            }
            // Labels sit beside their stage's middle, pushed down when a thin stage above would make them overlap.
            void Stages(long[] counts, double[] tops, IReadOnlyList<string> names, double x, double labelX, string labelClass)
            {
                var lastLabel = double.MinValue;
                for (var i = 0; i < counts.Length; i++)
                {
                    if (counts[i] == 0)
                    {
                        continue;
                    }
                    var labelY = Math.Max(tops[i] + counts[i] * scale / 2 + 4, lastLabel + 14);
                    lastLabel = labelY;
                    Raw($"<rect class=\"stage\" data-value=\"{counts[i]}\" x=\"{N(x)}\" y=\"{N(tops[i])}\" width=\"{nodeWidth}\" height=\"{N(counts[i] * scale)}\"/>");
                    Raw($"<text x=\"{N(labelX)}\" y=\"{N(labelY)}\" class=\"{labelClass}\">{E(StageName(names[i]))} {Count(counts[i])}</text>");
                }
            }
            Stages(before, fromTops, sources, left, left - 6, "label end");
            Stages(today, toTops, stages, right, right + nodeWidth + 6, "label");
            Raw("</svg>");
        }
        var k = lifecycle.Kpis;
        var nps = k.GrowingNps is { } score ? $"{score.ToString("+0.#;-0.#;0", _culture)} <small>({Count(k.NpsRespondents)})</small>" : "–";
        var kpis = new (string Kpi, string Value)[][]
        {
            [(l["kpiPotential"], Percent(k.PotentialSignupRate7)), (l["kpiCac"], k.PotentialCac is { } cac ? Money(cac, currency) : "–")],
            [(l["kpiNew"], Percent(k.NewD1))],
            [(l["kpiNps"], nps)],
            [(l["kpiLtv"], Money(k.MatureLtv, currency)), (l["kpiMature"], Money(k.MatureRevenue90, currency))],
            [(l["kpiWarning"], Percent(k.SaveRate7))],
            [(l["kpiChurned"], Percent(k.ReactivationRate7))],
        };
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["stage"])}</th><th>{E(l["persons"])}</th><th>{E(l["kpi"])}</th><th></th></tr></thead><tbody>");
        for (var i = 0; i < stages.Length; i++)
        {
            Raw($"<tr><td>{E(StageName(stages[i]))}</td><td class=\"num\">{Count(today[i])}</td><td>{string.Join("<br>", kpis[i].Select(x => E(x.Kpi)))}</td><td class=\"num\">{string.Join("<br>", kpis[i].Select(x => x.Value))}</td></tr>");
        }
        Raw("</tbody></table></div>");
        foreach (var (title, rows) in new[] { (l["byChannel"], lifecycle.Breakdowns.Channel), (l["byPlatform"], lifecycle.Breakdowns.Platform) })
        {
            Raw($"<h3>{E(title)}</h3><div class=\"scroll\"><table class=\"stages-by\"><thead><tr><th></th>{string.Concat(stages.Select(s => $"<th>{E(StageName(s))}</th>"))}</tr></thead><tbody>");
            foreach (var row in rows)
            {
                var counts = new[] { row.Stages.Potential, row.Stages.New, row.Stages.Growing, row.Stages.Mature, row.Stages.ChurnWarning, row.Stages.Churned };
                Raw($"<tr><th class=\"name\"><bdi>{E(row.Value)}</bdi></th>{string.Concat(counts.Select(c => $"<td class=\"num\">{Count(c)}</td>"))}</tr>");
            }
            Raw("</tbody></table></div>");
        }
        Raw("</section>");
    }

    private string StageName(string stage) => _labels["stage." + stage];

    private void WinBackSection(WinBackReport winBack, HighIntentReport highIntent)
    {
        var l = _labels;
        Raw($"<section id=\"win-back\"><h2>{E(l["winBack"])}</h2><p class=\"note\">{E(l["winBackNote"])}</p>");
        var rate = winBack.Mature;
        Raw($"<p class=\"win-back-rate\">{E(l["winBackRate"])}: <strong>{(rate.Rate is { } r ? Percent(r) : "–")}</strong> <small>({Count(rate.ActiveWithin7)} / {Count(rate.Returned)})</small></p>");
        var cohorts = winBack.Cohorts.TakeLast(14).ToList();
        if (cohorts.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p>");
        }
        else
        {
            Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["returnDay"])}</th><th>{E(l["returned"])}</th><th>{E(l["activeWithin7"])}</th></tr></thead><tbody>");
            foreach (var c in cohorts)
            {
                Raw($"<tr><td class=\"key\">{E(c.Day)}</td><td class=\"num\">{Count(c.Returned)}</td><td class=\"num{(c.Mature ? "" : " immature")}\">{Count(c.ActiveWithin7)} <small>{Percent(c.Rate)}{(c.Mature ? "" : "*")}</small></td></tr>");
            }
            Raw("</tbody></table></div>");
        }
        foreach (var (title, rows) in new[] { (l["byChannel"], winBack.Breakdowns.Channel), (l["byPlatform"], winBack.Breakdowns.Platform) })
        {
            if (rows.Count == 0)
            {
                continue;
            }
            Raw($"<h3>{E(title)}</h3><div class=\"scroll\"><table class=\"win-back-by\"><thead><tr><th></th><th>{E(l["returned"])}</th><th>{E(l["activeWithin7"])}</th></tr></thead><tbody>");
            foreach (var row in rows)
            {
                Raw($"<tr><th class=\"name\"><bdi>{E(row.Value)}</bdi></th><td class=\"num\">{Count(row.Returned)}</td><td class=\"num\">{Count(row.ActiveWithin7)} <small>{Maybe(row.Rate)}</small></td></tr>");
            }
            Raw("</tbody></table></div>");
        }
        Raw($"<h3>{E(l["highIntent"])} · {Count(highIntent.Persons)}</h3><p class=\"note\">{E(l["highIntentNote"])}</p>");
        Bars("high-intent", highIntent.ByChannel.Select(c => (c.Value, (double)c.Persons, Count(c.Persons))).ToList());
        Raw("</section>");
    }

    /// <summary>会话与日均使用时长: the day's sessions in all and by platform, time per active person as bars.</summary>
    private void SessionsSection(SessionsReport sessions)
    {
        var l = _labels;
        Raw($"<section id=\"sessions\"><h2>{E(l["sessions"])}</h2><p class=\"note\">{E(l["sessionsNote"])}</p>");
        var rows = sessions.ByPlatform.Select(p => (Name: p.Value, p.Sessions)).Prepend((Name: l["all"], sessions.All)).ToList();
        Bars("session-time", sessions.ByPlatform.Select(p => (p.Value, (double)p.Sessions.SecondsPerActivePerson, Duration(p.Sessions.SecondsPerActivePerson))).ToList());
        Raw($"<div class=\"scroll\"><table><thead><tr><th></th><th>{E(l["sessionCount"])}</th><th>{E(l["averageSession"])}</th><th>{E(l["sessionsPerPerson"])}</th><th>{E(l["timePerPerson"])}</th></tr></thead><tbody>");
        foreach (var (name, s) in rows)
        {
            Raw($"<tr><th class=\"name\"><bdi>{E(name)}</bdi></th><td class=\"num\">{Count(s.Sessions)}</td><td class=\"num\">{Duration(s.AverageSeconds)}</td><td class=\"num\">{s.PerActivePerson.ToString("0.00", _culture)}</td><td class=\"num\">{Duration(s.SecondsPerActivePerson)}</td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    /// <summary>Seconds as minutes and seconds (<c>12:05</c>), or hours too when there are any.</summary>
    private static string Duration(long seconds) => seconds >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds % 3600 / 60:00}:{seconds % 60:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds / 60}:{seconds % 60:00}");

    /// <summary>触达与频控: each channel's week of messages, open rate, persons touched and those over the weekly cap.</summary>
    private void TouchesSection(IReadOnlyList<TouchReport> touches)
    {
        var l = _labels;
        Raw($"<section id=\"touches\"><h2>{E(l["touches"])}</h2><p class=\"note\">{E(l["touchesNote"])}</p>");
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["channel"])}</th><th>{E(l["sent"])}</th><th>{E(l["openRate"])}</th><th>{E(l["personsTouched"])}</th><th>{E(l["overCap"])}</th></tr></thead><tbody>");
        foreach (var t in touches)
        {
            var over = t.PersonsOverCap > 0 ? " class=\"num warn\"" : " class=\"num\"";
            Raw($"<tr><th class=\"name\"><bdi>{E(l.Term(t.Channel))}</bdi></th><td class=\"num\">{Count(t.Sent)}</td><td class=\"num\">{Percent(t.OpenRate)} <small>{Count(t.Opened)}</small></td><td class=\"num\">{Count(t.PersonsTouched)}</td><td{over}>{Count(t.PersonsOverCap)} <small>&gt; {t.WeeklyCap}</small></td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    /// <summary>功能使用率: each feature's share of the month's active persons as bars, with the day's share of DAU beside it in the table.</summary>
    private void FeaturesSection(IReadOnlyList<FeatureUsage> features)
    {
        var l = _labels;
        Raw($"<section id=\"features\"><h2>{E(l["features"])}</h2><p class=\"note\">{E(l["featuresNote"])}</p>");
        if (features.Count == 0)
        {
            Raw($"<p>{E(l["none"])}</p></section>");
            return;
        }
        Bars("features", features.Select(f => (l.Term(f.Event), f.MauShare, Percent(f.MauShare))).ToList());
        Raw($"<div class=\"scroll\"><table><thead><tr><th>{E(l["feature"])}</th><th>{E(l["usedToday"])}</th><th>{E(l["shareOfDau"])}</th><th>{E(l["used30"])}</th><th>{E(l["shareOfMau"])}</th></tr></thead><tbody>");
        foreach (var f in features)
        {
            Raw($"<tr><th class=\"name\"><bdi>{E(l.Term(f.Event))}</bdi></th><td class=\"num\">{Count(f.UsedToday)}</td><td class=\"num\">{Percent(f.DauShare)}</td><td class=\"num\">{Count(f.Used30)}</td><td class=\"num\">{Percent(f.MauShare)}</td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    /// <summary>人群与建议动作: each audience file beside the report, its persons, and the action suggested for them in the page's language.</summary>
    private void AudiencesSection(IReadOnlyList<AudienceReport> audiences)
    {
        var l = _labels;
        Raw($"<section id=\"audiences\"><h2>{E(l["audiences"])}</h2><p class=\"note\">{E(l["audiencesNote"])}</p>");
        Raw($"<div class=\"scroll\"><table class=\"audiences\"><thead><tr><th>{E(l["audience"])}</th><th>{E(l["persons"])}</th><th>{E(l["suggestedAction"])}</th></tr></thead><tbody>");
        foreach (var a in audiences)
        {
            var action = DisplayLabels.For(a.Action, l.Language) ?? string.Empty;
            Raw($"<tr data-audience=\"{E(a.Name)}\"><td>{E(l["audience." + a.Name])}<br><small><code>{E(a.File)}</code></small></td><td class=\"num\">{Count(a.Persons)}</td><td><bdi>{E(action)}</bdi></td></tr>");
        }
        Raw("</tbody></table></div></section>");
    }

    private void DataQualitySection(DataQualityReport quality)
    {
        var l = _labels;
        Raw($"<section id=\"data-quality\"><h2>{E(l["dataQuality"])}</h2><div class=\"scroll\"><table><tbody>");
        Raw($"<tr><th>{E(l["completeness"])}</th><td>{E(l["missingChannel"])} {Percent(quality.Completeness.MissingChannel)} · {E(l["missingPlatform"])} {Percent(quality.Completeness.MissingPlatform)}</td></tr>");
        Raw($"<tr><th>{E(l["uniqueness"])}</th><td>{E(l["duplicates"])} {Count(quality.Uniqueness.DuplicatesDropped)} ({Percent(quality.Uniqueness.Rate)}) · {E(l["reusedMessageIds"])} {Count(quality.Uniqueness.ReusedMessageIds)}</td></tr>");
        var lag = quality.Timeliness.LagSeconds;
        Raw($"<tr><th>{E(l["timeliness"])}</th><td>{E(l["late"])} {Count(quality.Timeliness.Late)} ({Percent(quality.Timeliness.LateRate)}) · p50/p95/p99 {Seconds(lag.P50)} / {Seconds(lag.P95)} / {Seconds(lag.P99)}</td></tr>");
        Raw($"<tr><th>{E(l["accuracy"])}</th><td>{E(l["invalidRevenue"])} {Count(quality.Accuracy.InvalidRevenue)}</td></tr>");
        Raw($"<tr><th>{E(l["consistency"])}</th><td>{E(l["unknownEvents"])}: {(quality.Consistency.UnknownEvents.Count == 0 ? "–" : string.Join(", ", quality.Consistency.UnknownEvents.Select(u => $"<bdi>{E(u.Event)}</bdi> {Count(u.Count)}")))}</td></tr>");
        Raw($"<tr><th>{E(l["rejectedAtIngest"])}</th><td>{(quality.RejectedAtIngest.Count == 0 ? "–" : string.Join(", ", quality.RejectedAtIngest.Select(Refused)))}</td></tr>");
        Raw("</tbody></table></div></section>");
    }

    private string Seconds(long? value) => value is { } v ? $"{Count(v)} {E(_labels["seconds"])}" : "–";

    /// <summary>An ingest refusal: its reason in the page's language and, for an invalid event, the field (a tracking-plan name, escaped).</summary>
    private string Refused(RejectedAtIngest rejected)
    {
        var (reason, field) = _labels.Refusal(rejected.Reason);
        return $"<bdi>{E(reason)}</bdi>{(field is null ? "" : $" <code><bdi>{E(field)}</bdi></code>")} {Count(rejected.Count)}";
    }

    private void ManifestSection(DailyReport report)
    {
        var l = _labels;
        var m = report.Manifest;
        Raw($"<section id=\"manifest\"><h2>{E(l["manifest"])}</h2><div class=\"scroll\"><table><tbody>");
        Raw($"<tr><th>{E(l["status"])}</th><td>{E(m.Provisional ? l["provisional"] : l["final"])}</td></tr>");
        Raw($"<tr><th>{E(l["dataThrough"])}</th><td>{E(m.DataThrough)}</td></tr>");
        Raw($"<tr><th>{E(l["rawDays"])}</th><td>{E(m.RawDays.First)} – {E(m.RawDays.Last)}</td></tr>");
        Raw($"<tr><th>{E(l["events"])}</th><td class=\"num\">{Count(report.Events.Folded)}</td></tr>");
        Raw($"<tr><th>{E(l["duplicates"])} / {E(l["late"])} / {E(l["malformed"])}</th><td class=\"num\">{Count(report.Events.DuplicatesDropped)} / {Count(report.Events.Late)} / {Count(report.Events.Malformed)}</td></tr>");
        Raw($"<tr><th>{E(l["definitions"])}</th><td><code>{E(m.DefinitionsHash)}</code></td></tr>");
        Raw($"<tr><th>{E(l["engine"])}</th><td>{E(m.EngineVersion)} · {E(report.GeneratedAt)}</td></tr>");
        Raw("</tbody></table></div></section>");
    }

    /// <summary>Horizontal bars with a label, in proportion to their values.</summary>
    private void Bars(string id, IReadOnlyList<(string Label, double Value, string Shown)> bars)
    {
        var max = Math.Max(1e-9, bars.Count == 0 ? 1 : bars.Max(b => b.Value));
        const int rowHeight = 30;
        Raw($"<svg class=\"chart bars {id}\" viewBox=\"0 0 {Width} {bars.Count * rowHeight + 8}\" role=\"img\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var y = i * rowHeight + 4;
            var width = bars[i].Value * 400 / max;
            Raw($"<text x=\"0\" y=\"{y + 17}\" class=\"label\">{E(Short(bars[i].Label))}<title>{E(bars[i].Label)}</title></text>");
            Raw($"<rect class=\"bar\" data-value=\"{N(bars[i].Value)}\" x=\"160\" y=\"{y + 3}\" width=\"{N(width)}\" height=\"20\"/>");
            Raw($"<text x=\"{N(166 + width)}\" y=\"{y + 18}\" class=\"value\">{E(bars[i].Shown)}</text>");
        }
        Raw("</svg>");
    }

    private void Raw(string html) => _html.Append(html);

    /// <summary>Escapes text for HTML content and attributes; quotes too, so it is safe inside attribute values.</summary>
    private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>Chart labels are cut short (the full text is in the table and the mark's title).</summary>
    private static string Short(string text) => text.Length <= 22 ? text : text[..21] + "…";

    private static string N(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A figure of any kind (count, rate, amount) as the reader's culture writes it, up to 4 decimals.</summary>
    private string Number(double? value) => value is { } v ? v.ToString("#,0.####", _culture) : "–";

    private string Count(long value) => value.ToString("N0", _culture);

    private string Percent(double value) => value.ToString("P1", _culture);

    private string Maybe(double? value, string? format = null) => value is { } v ? (format is null ? Percent(v) : v.ToString(format, _culture)) : "–";

    private string Money(decimal value, string currency) => $"{value.ToString("N2", _culture)} {E(currency)}";

    private const string Css = """
        :root{--ink:#1d2733;--muted:#5b6876;--bar:#2f6fde;--line:#d9dee5;--warn:#a23b00}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1100px;padding:16px;font:15px/1.45 -apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:var(--ink);overflow-wrap:anywhere}
        h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line)}h3{font-size:1em;margin:1.2em 0 .3em}
        .meta,.note{color:var(--muted);margin:.2em 0 .6em}
        .warn{color:var(--warn);font-weight:600}
        .chart{display:block;width:100%;max-width:760px;height:auto;margin:.4em 0}
        .chart text{font-size:12px;fill:var(--ink)}
        .chart .axis,.chart .drop{fill:var(--muted);font-size:11px}
        .chart .bar{fill:var(--bar)}.chart .bar.immature{fill:var(--bar);fill-opacity:.45}
        .chart .cell{fill:var(--bar)}.chart .cellvalue{text-anchor:middle;font-size:11px}
        .chart polyline{fill:none;stroke-width:2}.chart polyline.dau{stroke:#2f6fde}.chart polyline.wau{stroke:#13a07a}.chart polyline.mau{stroke:#c0782b}
        .chart text.dau{fill:#2f6fde}.chart text.wau{fill:#13a07a}.chart text.mau{fill:#c0782b}
        .chart.rfm{max-width:300px}.chart.heatmap{max-width:680px}
        .chart .errorbar{stroke:var(--ink);stroke-width:1.5}
        .chart.flow path{fill:none;stroke:var(--bar);stroke-opacity:.35}.chart.flow path.churnWarning{stroke:#c0782b}.chart.flow path.churned{stroke:var(--warn)}
        .chart .stage{fill:var(--ink)}.chart text.end{text-anchor:end}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;margin:.4em 0;font-size:.92em}
        th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        td.num,td.key{text-align:right;white-space:nowrap}td.key{text-align:left}td.immature{color:var(--muted)}
        table.payer-cohorts th,table.orders th{overflow-wrap:normal}
        th.name{max-width:18em}
        small{color:var(--muted)}
        code{font-size:.85em}
        .light{display:inline-block;width:.8em;height:.8em;border-radius:50%;vertical-align:-.05em;background:#9aa5b1}
        .light.green{background:#13a07a}.light.amber{background:#e0a100}.light.red{background:#d0321e}
        tr.target.red td{font-weight:600}
        tr.target td:first-child{white-space:nowrap}
        @media (max-width:480px){tr.target small.path{display:none}}
        .spark{display:block}.spark polyline{fill:none;stroke:var(--bar);stroke-width:1.5}.spark circle{fill:var(--bar)}
        small.up{color:#13a07a}small.down{color:var(--warn)}
        tr.worst th{color:var(--warn)}
        """;
}
