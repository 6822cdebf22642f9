using System.Globalization;
using System.Text.Json.Serialization;
using Funnel.Events.Days;
using Funnel.Metrics;

namespace Funnel.Reports;

/// <summary>A figure's values 1, 7 and 28 days before the report day (or their changes); null where no figure is stored.</summary>
public sealed record EarlierDays(
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d28")] double? D28);

/// <summary>A headline figure today, on earlier days, the change since (today − then) and its last 28 days, oldest first, today last.</summary>
public sealed record HeadlineComparison(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("earlier")] EarlierDays Earlier,
    [property: JsonPropertyName("change")] EarlierDays Change,
    [property: JsonPropertyName("trend")] IReadOnlyList<double?> Trend);

/// <summary>
/// A step of the first (lifecycle) funnel: its mature conversion today (over the <see cref="Cohorts"/> named) and before;
/// <see cref="Worst"/> marks the step whose conversion fell most against 28 days before.
/// </summary>
public sealed record StepComparison(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("rate")] double? Rate,
    [property: JsonPropertyName("earlier")] EarlierDays Earlier,
    [property: JsonPropertyName("change")] EarlierDays Change,
    [property: JsonPropertyName("worst")] bool Worst,
    [property: JsonPropertyName("cohorts")] IReadOnlyList<string> Cohorts);

/// <summary>The report's <c>comparisons</c> block.</summary>
public sealed record ReportComparisons(
    [property: JsonPropertyName("headlines")] IReadOnlyList<HeadlineComparison> Headlines,
    [property: JsonPropertyName("funnel")] string? Funnel,
    [property: JsonPropertyName("steps")] IReadOnlyList<StepComparison> Steps,
    [property: JsonPropertyName("worstStep")] string? WorstStep)
{
    /// <summary>How many days back the comparisons and the sparklines reach.</summary>
    public const int Days = 28;

    /// <summary>How many of the newest cohorts whose window for a step has closed make its mature conversion (as the HTML funnel chart reads them).</summary>
    public const int MatureCohorts = 7;

    /// <summary>The stored name of the first funnel's step <paramref name="step"/> mature conversion (index as in <c>funnels[0].steps</c>).</summary>
    public static string StepFigure(int step) => string.Create(CultureInfo.InvariantCulture, $"funnel.step{step}.matureConversion");

    /// <summary>What the daily run stores for later days to compare with: the headline figures and the first funnel's mature step conversions.</summary>
    public static IReadOnlyDictionary<string, double> StoredFigures(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figures = new SortedDictionary<string, double>(HeadlineFigures.Of(report).ToDictionary(), StringComparer.Ordinal);
        foreach (var (step, rate, _) in MatureConversions(report))
        {
            if (rate is { } r)
            {
                figures[StepFigure(step)] = r;
            }
        }
        return figures;
    }

    /// <summary>Every stored figure the comparisons of <paramref name="report"/> read, whether or not the report has it today.</summary>
    public static IReadOnlyList<string> ComparedFigures(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return [.. HeadlineFigures.Names, .. MatureConversions(report).Select(s => StepFigure(s.Step))];
    }

    /// <summary>
    /// The report with its comparisons against <paramref name="earlier"/> (stored figures by name and day, from the 28
    /// days before the report day) and its targets judged again, so a target may name a comparison.
    /// </summary>
    public static DailyReport Attach(DailyReport report, IReadOnlyDictionary<string, IReadOnlyDictionary<DateOnly, double>> earlier, IReadOnlyList<TargetDefinition>? targets)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(earlier);
        var day = ReportingDay.Parse(report.Day);
        double? Before(string name, int days) => earlier.TryGetValue(name, out var series) && series.TryGetValue(day.AddDays(-days), out var v) ? v : null;
        EarlierDays Earlier(string name) => new(Before(name, 1), Before(name, 7), Before(name, Days));
        static double? Change(double? now, double? then) => now is { } n && then is { } t ? ReportNumbers.Finite(n - t) : null;
        EarlierDays Changes(double? now, EarlierDays then) => new(Change(now, then.D1), Change(now, then.D7), Change(now, then.D28));

        var today = HeadlineFigures.Of(report);
        var headlines = HeadlineFigures.Names
            .Select(name => new HeadlineComparison(name, today[name], Earlier(name), Changes(today[name], Earlier(name)),
                [.. Enumerable.Range(1, Days - 1).Reverse().Select(n => Before(name, n)), today[name]]))
            .ToList();
        var funnel = report.Funnels.Count > 0 ? report.Funnels[0] : null;
        var steps = MatureConversions(report)
            .Select(s => new StepComparison(funnel!.Steps[s.Step].Name, s.Step, s.Rate, Earlier(StepFigure(s.Step)), Changes(s.Rate, Earlier(StepFigure(s.Step))), false, s.Cohorts))
            .ToList();
        // The worst-converting step: the largest fall against 28 days before; none when no step fell.
        var worst = steps.Where(s => s.Change.D28 is < 0).OrderBy(s => s.Change.D28).ThenBy(s => s.Step).FirstOrDefault();
        steps = [.. steps.Select(s => s == worst ? s with { Worst = true } : s)];
        var compared = report with { Comparisons = new ReportComparisons(headlines, funnel?.Name, steps, worst?.Name) };
        return compared with { Targets = ReportTargets.Evaluate(compared, targets) };
    }

    /// <summary>
    /// Each later step of the first funnel: persons who reached it over persons who reached the step before, in the newest
    /// <see cref="MatureCohorts"/> cohorts whose window for the step has closed (their days); null when no cohort has closed it.
    /// </summary>
    public static IEnumerable<(int Step, double? Rate, IReadOnlyList<string> Cohorts)> MatureConversions(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Funnels.Count == 0)
        {
            yield break;
        }
        var funnel = report.Funnels[0];
        for (var k = 1; k < funnel.Steps.Count; k++)
        {
            var closed = funnel.Cohorts.Where(c => c.Steps[k].Mature).TakeLast(MatureCohorts).ToList();
            yield return (k, closed.Count == 0 ? null : ReportNumbers.Rate(closed.Sum(c => c.Steps[k].Count), closed.Sum(c => c.Steps[k - 1].Count)), [.. closed.Select(c => c.Day)]);
        }
    }
}
