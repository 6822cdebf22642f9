using Funnel.Domain.Tests.Aggregation;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Reports;

/// <summary>Reports of generated data sets for the rendering tests: an ordinary 60-day one, and one whose names are hostile.</summary>
internal static class RenderedReports
{
    private static readonly Lazy<(DailyReport Report, List<ActivityPoint> Trend)> Ordinary = new(() => Build(new SimulationSettings { Seed = 5, Days = 60, SignupsPerDay = 30 }));

    /// <summary>Strings a client could put in event data to attack a page or a spreadsheet.</summary>
    public static readonly string[] Hostile =
    [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "javascript:alert(3)",
        "=HYPERLINK(\"http://evil.example/\",\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-2+3",
        "\u202Eevil\u202C تسجيل",
        "ok" + new string('W', 10_240),
    ];

    private static readonly Lazy<(DailyReport Report, List<ActivityPoint> Trend)> Attacked = new(() => Build(new SimulationSettings
    {
        Seed = 9,
        Days = 20,
        SignupsPerDay = 40,
        Channels = Hostile.Take(5).Select(h => (h, 1.0)).ToList(),
        Platforms = Hostile.Skip(5).Select(h => (h, 1.0)).ToList(),
        Experiment = Hostile[0] + Hostile[1],
    }));

    public static (DailyReport Report, List<ActivityPoint> Trend) SixtyDays => Ordinary.Value;

    /// <summary>
    /// A report with every block a published page has: the engine over 60 days of data with defects, compared with the
    /// figures its earlier days stored, judged against the definitions' targets, and with ingest refusals of both kinds.
    /// </summary>
    public static DailyReport Complete(MetricDefinitions definitions)
    {
        var reports = EngineHarness.Run(EngineHarness.WithDefects(EngineHarness.DataSet(7, days: 60, signupsPerDay: 30)), "Asia/Shanghai", 4, definitions: definitions);
        var report = Funnel.Testing.PublishedReports.Compared(reports, definitions.Targets);
        return report with { DataQuality = report.DataQuality with { RejectedAtIngest = [new("request.tooLarge", 2), new("event.messageId", 3)] } };
    }

    public static (DailyReport Report, List<ActivityPoint> Trend) WithHostileNames => Attacked.Value;

    private static (DailyReport, List<ActivityPoint>) Build(SimulationSettings settings)
    {
        var data = new JourneySimulator(settings with { TimeZone = "Asia/Shanghai" }).Generate();
        var reports = EngineHarness.Run(data, "Asia/Shanghai", 4);
        var trend = reports.Select(ActivityPoint.Of).ToList();
        return (reports[^1], trend);
    }
}
