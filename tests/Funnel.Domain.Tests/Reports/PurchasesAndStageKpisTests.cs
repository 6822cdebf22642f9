using Funnel.Domain.Tests.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Reports;

/// <summary>The purchase funnel, payers and the stage KPIs at their edges, by hand, against the naive oracle on the same events.</summary>
public class PurchasesAndStageKpisTests
{
    internal static readonly DateOnly Day = new(2026, 11, 20);
    private const long DayMs = 86_400_000;

    private static readonly MetricDefinitions Definitions = MetricDefinitions.Default with
    {
        ChannelDailyCosts = new Dictionary<string, decimal> { ["wechat"] = 100m },
    };

    internal static long At(int daysBefore, int hour, int minute = 0) =>
        new DateTimeOffset(Day.AddDays(-daysBefore).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero).ToUnixTimeMilliseconds();

    internal static ProductEvent Track(string person, string name, long at, decimal? revenue = null, Dictionary<string, string>? properties = null, string? channel = null) =>
        new($"{person}-{name}-{at}", person, EventType.Track, name, at, at + 1_000, channel, "iOS", revenue, null, null, properties);

    private static ProductEvent Answer(string person, long at, string score) =>
        Track(person, "Survey Answered", at, properties: new Dictionary<string, string> { ["score"] = score });

    /// <summary>Runs the engine over the events (processed on the day they happened, UTC) and returns its report of <see cref="Day"/> with the oracle's.</summary>
    internal static (DailyReport Report, System.Text.Json.Nodes.JsonObject Oracle) Run(List<ProductEvent> events, string zone = "UTC", int reportDaysBefore = 0, IReadOnlyList<SpendRow>? spend = null,
        MetricDefinitions? definitions = null)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var data = new SortedDictionary<DateOnly, List<ProductEvent>>();
        for (var d = Day.AddDays(-60); d <= Day.AddDays(-reportDaysBefore); d = d.AddDays(1))
        {
            var day = d;
            data[day] = events.Where(e => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp), tz).DateTime) == day).ToList();
        }
        var report = EngineHarness.Run(data, zone, shards: 2, definitions: definitions ?? Definitions, spend: spend)[^1];
        var oracle = new Funnel.Oracle.NaiveOracle(EngineHarness.ForOracle(definitions ?? Definitions, spend), zone).Report(
            data.ToDictionary(p => p.Key, p => (IReadOnlyList<ProductEvent>)p.Value), data.Keys.Last(),
            new Funnel.Oracle.ReportIdentity(report.GeneratedAt, report.Manifest.DefinitionsHash, report.Manifest.EngineVersion));
        var differences = JsonComparison.Differences(oracle, EngineHarness.Parsed(report));
        Assert.True(differences.Count == 0, string.Join("\n", differences.Take(10)));
        return (report, oracle);
    }

    [Fact]
    public void A_repurchase_exactly_at_7_and_at_30_days_is_within_and_a_millisecond_later_is_not()
    {
        var first = At(35, 10);
        var events = new List<ProductEvent>();
        foreach (var (person, after) in new[] { ("at7", 7 * DayMs), ("past7", 7 * DayMs + 1), ("at30", 30 * DayMs), ("past30", 30 * DayMs + 1) })
        {
            events.Add(Track(person, "Order Completed", first, 10m));
            events.Add(Track(person, "Order Completed", first + after, 20m));
        }
        events.Add(Track("once", "Order Completed", At(3, 12), 40m));

        var (report, _) = Run(events);

        var cohort = report.Purchases.Funnel.Cohorts.Single(c => c.Day == "2026-10-16");
        Assert.Equal(4, cohort.FirstPurchases);
        Assert.Equal((1L, true), (cohort.Within7.Count, cohort.Within7.Mature));
        Assert.Equal((3L, 0.75, true), (cohort.Within30.Count, cohort.Within30.Rate, cohort.Within30.Mature));
        var young = report.Purchases.Funnel.Cohorts.Single(c => c.Day == "2026-11-17");
        Assert.False(young.Within7.Mature);
        // Pooled over the mature cohorts only: the young one stays out of both rates.
        Assert.Equal((4L, 1L, 0.25), (report.Purchases.Funnel.Within7.FirstPurchases, report.Purchases.Funnel.Within7.Repurchased, report.Purchases.Funnel.Within7.Rate));
        Assert.Equal(0.75, report.Purchases.Funnel.Within30.Rate);
        Assert.Equal((0L, 1L, 1L), (report.Purchases.NewPayers.Day, report.Purchases.NewPayers.Last7, report.Purchases.NewPayers.Last30));
        // The 30-day orders: the four second purchases (28 and 5 days before) and the single one; the day has none.
        Assert.Equal((5L, 120m, 24m), (report.Purchases.Orders.Last30.Orders, report.Purchases.Orders.Last30.Gmv, report.Purchases.Orders.Last30.Aov));
        Assert.Equal(0, report.Purchases.Orders.Day.Orders);
    }

    [Fact]
    public void A_first_purchase_before_signup_starts_the_purchase_cohort_but_not_the_lifetime_value_since_signup()
    {
        var events = new List<ProductEvent>
        {
            Track("early", "Order Completed", At(20, 10), 50m),
            Track("early", "Signed Up", At(10, 10), channel: "wechat"),
            Track("early", "Order Completed", At(3, 10), 30m),
            Track("organic", "Signed Up", At(12, 9)),
            Track("organic", "Order Completed", At(11, 9), 5m),
            Track("organic", "Order Completed", At(2, 9), 7m),
        };

        var (report, _) = Run(events);

        Assert.Equal(2, report.Lifecycle.Stages.Mature);
        // Since signup: early's 30 and organic's 12 (early's 50 came before their signup) over 2 mature persons; 90-day revenue keeps all.
        Assert.Equal(21m, report.Lifecycle.Kpis.MatureLtv);
        Assert.Equal(46m, report.Lifecycle.Kpis.MatureRevenue90);
        var cohort = report.Purchases.Funnel.Cohorts.Single(c => c.Day == "2026-10-31");
        Assert.Equal(1, cohort.FirstPurchases);
        var retention = report.Purchases.PayerRetention.Single(c => c.Day == "2026-10-31");
        Assert.Equal((0.0, null, null), (retention.D1, retention.D30, retention.Repurchase30));
        // 潜在 CAC: 30 days of wechat's 100 over both new signups, the organic one included.
        Assert.Equal(1500m, report.Lifecycle.Kpis.PotentialCac);
        Assert.Equal([("iOS", 4L)], report.Purchases.Orders.ByPlatform.Select(r => (r.Value, r.Last30.Orders)));
        Assert.Equal(["direct", "wechat"], report.Purchases.Orders.ByChannel.Select(r => r.Value));
    }

    [Fact]
    public void Nps_of_only_passives_is_zero_and_each_respondent_counts_by_their_latest_answer_in_30_days()
    {
        var events = new List<ProductEvent>
        {
            Track("a", "Signed Up", At(40, 8)), Answer("a", At(20, 9), "3"), Answer("a", At(2, 9), "8"),
            Track("b", "Signed Up", At(40, 8)), Answer("b", At(1, 9), "7"),
            // Out of the window, a score outside 0-10 and one that is not whole are no answers.
            Track("c", "Signed Up", At(40, 8)), Answer("c", At(31, 9), "10"),
            Track("d", "Signed Up", At(40, 8)), Answer("d", At(1, 9), "11"), Answer("d", At(1, 10), "7.5"),
        };

        var (report, _) = Run(events);

        Assert.Equal(0.0, report.Lifecycle.Kpis.GrowingNps);
        Assert.Equal(2, report.Lifecycle.Kpis.NpsRespondents);
        // Costs are configured but nobody signed up in the window: no CAC rather than 0.
        Assert.Null(report.Lifecycle.Kpis.PotentialCac);
    }

    [Fact]
    public void Nps_is_promoters_less_detractors_over_respondents_and_null_without_answers()
    {
        var events = new List<ProductEvent>
        {
            Track("a", "Signed Up", At(10, 8)), Answer("a", At(1, 9), "9"),
            Track("b", "Signed Up", At(10, 8)), Answer("b", At(1, 9), "10"),
            Track("c", "Signed Up", At(10, 8)), Answer("c", At(1, 9), "6"),
            Track("d", "Signed Up", At(10, 8)), Answer("d", At(1, 9), "8"),
            Track("e", "Signed Up", At(10, 8)), Answer("e", At(1, 9), "0"),
            Track("f", "Signed Up", At(10, 8)), Answer("f", At(1, 9), "9"),
        };
        Assert.Equal(16.67, Run(events).Report.Lifecycle.Kpis.GrowingNps);
        Assert.Null(Run([Track("a", "Signed Up", At(10, 8))]).Report.Lifecycle.Kpis.GrowingNps);
    }
}
