using System.Text.Json;
using Funnel.Domain.Aggregation;
using Funnel.Domain.Events;
using Funnel.Domain.Simulation;
using Funnel.Domain.Metrics;
using Funnel.Domain.Reports;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Runs the engine and the oracle over generated data sets.</summary>
internal static class EngineHarness
{
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 24, 0, 21, 7, TimeSpan.Zero);

    /// <summary>The default funnels with daily costs for the paid channels, so reports carry channel economics.</summary>
    public static readonly MetricDefinitions Definitions = MetricDefinitions.Default with
    {
        ChannelDailyCosts = new Dictionary<string, decimal> { ["wechat"] = 1200m, ["douyin"] = 950.5m, ["baidu"] = 400m, ["appstore"] = 300m },
    };

    public static SortedDictionary<DateOnly, List<ProductEvent>> DataSet(int seed, int days = 60, int signupsPerDay = 30, string zone = "Asia/Shanghai") =>
        new JourneySimulator(new SimulationSettings
        {
            Seed = seed,
            Days = days,
            SignupsPerDay = signupsPerDay,
            TimeZone = zone,
            LateFraction = 0.06,
            DuplicateFraction = 0.03,
        }).Generate();

    /// <summary>The engine's report for every processing day, folding day by day.</summary>
    public static List<DailyReport> Run(SortedDictionary<DateOnly, List<ProductEvent>> data, string zone, int shards)
    {
        var engine = new DailyAggregation(Definitions, zone, shards, new FixedClock(GeneratedAt));
        return data.Select(day => engine.FoldDay(day.Key, day.Value)).ToList();
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(DailyReport report) => JsonSerializer.Serialize(report, Indented);

    /// <summary>The report without its events block and manifest, for comparing runs whose processing days differ.</summary>
    public static string Metrics(DailyReport report) => JsonSerializer.Serialize(new { report.Funnels, report.Retention, report.Activity });
}
