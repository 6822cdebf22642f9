using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Oracle;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>The oracle itself against figures worked out by hand from docs/report.md, so it is not only checked against the engine.</summary>
public class NaiveOracleTests
{
    private static readonly DateOnly Day = new(2026, 11, 23);

    private static long At(DateOnly day, int hour, int minute = 0) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static ProductEvent Track(string person, string name, long at, decimal? revenue = null) =>
        new($"{person}-{name}-{at}", person, EventType.Track, name, at, at + 1_000, null, null, revenue, null, null, null);

    /// <summary>The oracle's report for one processing day, as written and read back.</summary>
    private static JsonNode Report(params ProductEvent[] events) =>
        JsonNode.Parse(new NaiveOracle(EngineHarness.ForOracle(MetricDefinitions.Default), "UTC").Report(
            new Dictionary<DateOnly, IReadOnlyList<ProductEvent>> { [Day] = events },
            Day,
            new ReportIdentity("2026-11-24T00:21:07Z", "sha256:test", "test")).ToJsonString())!;

    private static ProductEvent[] Purchases(string person, decimal each, params int[] daysAgo) =>
        daysAgo.Select(n => Track(person, "Order Completed", At(Day.AddDays(-n), 12), each)).ToArray();

    [Fact]
    public void Tied_payers_share_a_score_and_the_top_fifth_by_90_day_revenue_is_high_value()
    {
        var report = Report([.. Purchases("a", 50, 3), .. Purchases("b", 50, 3), .. Purchases("c", 50, 3), .. Purchases("d", 180, 34, 33, 32, 31, 30)]);
        var cells = report["rfm"]!["cells"]!.AsArray().Where(c => (long)c!["persons"]! > 0)
            .ToDictionary(c => ((int)c!["r"]!, (int)c["f"]!, (int)c["m"]!), c => (long)c!["persons"]!);
        // Recency 3 beats one payer of four: 1 + ⌊5·1/4⌋ = 2; frequency 5 and 900 revenue beat three: 1 + ⌊5·3/4⌋ = 4.
        Assert.Equal(new Dictionary<(int, int, int), long> { [(2, 1, 1)] = 3, [(1, 4, 4)] = 1 }, cells);
        Assert.Equal(1L, (long)report["layers"]!["highValue"]!);
        // Paying in the 30 days ending on the report day: d's last purchase was 30 days ago, just outside.
        Assert.Equal(3L, (long)report["money"]!["payingPersons"]!);
        Assert.Equal(150m, (decimal)report["money"]!["revenue"]!);
    }

    [Fact]
    public void A_late_evening_signup_is_retained_on_calendar_day_1_but_not_in_the_rolling_24_hours()
    {
        var signupDay = Day.AddDays(-2);
        var report = Report(
            Track("a", "Signed Up", At(signupDay, 23, 45)),
            Track("a", "Home", At(signupDay.AddDays(1), 0, 10)));
        var cohort = report["retention"]!["cohorts"]!.AsArray().Single()!;
        Assert.Equal(1.0, (double)cohort["d1"]!);
        Assert.Equal(0.0, (double)cohort["rolling"]!["d1"]!);
        Assert.Null(cohort["rolling"]!["d7"]);
        Assert.Equal("2026-11-23T23:59:59.999+00:00", (string)report["manifest"]!["dataThrough"]!);
    }

    [Fact]
    public void Statistics_match_published_values()
    {
        Assert.Equal(1.959963984540054, OracleStatistics.Z975, 12);
        Assert.Equal(0.157299207050285, OracleStatistics.Erfc(1), 14);
        Assert.Equal(1, OracleStatistics.Erfc(3) / 2.209049699858544e-5, 12);
        Assert.Equal(0.05, OracleStatistics.ChiSquareTail(3.841458820694124, 1), 12);
        Assert.Equal(0.05, OracleStatistics.ChiSquareTail(5.991464547107979, 2), 12);
        Assert.Equal(0.05, OracleStatistics.ChiSquareTail(7.814727903251178, 3), 12);
        // 130 of 1000 against 100 of 1000: z = 2.1026, p = 0.035488; 95% interval of the difference 0.03 ± 1.96·0.01578.
        var (p, low, high) = OracleStatistics.AgainstControl(100, 1000, 130, 1000);
        Assert.Equal(0.035488, p, 6);
        Assert.Equal(0.002068, low, 6);
        Assert.Equal(0.057932, high, 6);
        Assert.Equal(0.0455, OracleStatistics.EvenSplitP([5100, 4900]), 4);
    }
}
