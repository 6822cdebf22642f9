using System.Globalization;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Testing;

/// <summary>Reports as the daily run publishes them, for the page tests: the sample definitions, comparisons with the days before.</summary>
public static class PublishedReports
{
    /// <summary>docs/definitions.sample.json: the built-in funnels with display labels, channel costs and example targets.</summary>
    public static MetricDefinitions SampleDefinitions() =>
        MetricDefinitions.Load(File.ReadAllText(RepoPaths.Of("docs", "definitions.sample.json")), "definitions.sample.json");

    /// <summary>
    /// The newest report of a run whose day saw activity (a run's last days may hold only late events), compared with
    /// the figures the run's earlier days stored and judged against <paramref name="targets"/>, as the daily run does.
    /// </summary>
    public static DailyReport Compared(IReadOnlyList<DailyReport> reports, IReadOnlyList<TargetDefinition>? targets)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var today = reports.Last(r => r.Activity.Dau > 0);
        var stored = reports
            .SelectMany(r => ReportComparisons.StoredFigures(r).Select(f => (Day: DateOnly.ParseExact(r.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture), f.Key, f.Value)))
            .GroupBy(f => f.Key)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<DateOnly, double>)g.ToDictionary(f => f.Day, f => f.Value), StringComparer.Ordinal);
        return ReportComparisons.Attach(today, stored, targets);
    }
}
