using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Oracle;
using Funnel.Reports;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Runs the engine and the oracle over generated data sets.</summary>
internal static class EngineHarness
{
    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 24, 0, 21, 7, TimeSpan.Zero);

    /// <summary>
    /// The default funnels with daily costs for the paid channels, so reports carry channel economics, and two
    /// configured experiments: one with even shares on every step, one with a 70/30 split on two steps.
    /// </summary>
    public static readonly MetricDefinitions Definitions = MetricDefinitions.Default with
    {
        ChannelDailyCosts = new Dictionary<string, decimal> { ["wechat"] = 1200m, ["douyin"] = 950.5m, ["baidu"] = 400m, ["appstore"] = 300m },
        TrackingPlan = ["Activated", "Search Performed"],
        Experiments =
        [
            new ExperimentDefinition("pay-3-steps"),
            new ExperimentDefinition("onboarding-v2", new Dictionary<string, double> { ["control"] = 0.7, ["new"] = 0.3 }, ["Activated", "first purchase"]),
        ],
    };

    /// <summary>
    /// The spend table a harness run with the harness's definitions reads (and the oracle with it), over the simulated days: two campaigns' own spend, and
    /// spend on wechat outside its campaigns, so a campaign's ROI and its channel's (all its rows) differ.
    /// </summary>
    public static readonly IReadOnlyList<SpendRow> Spend = [.. Enumerable.Range(0, 200).SelectMany(i => new[]
    {
        new SpendRow(new DateOnly(2026, 9, 1).AddDays(i), "douyin", 310.25m, "CNY", "douyin-feed"),
        new SpendRow(new DateOnly(2026, 9, 1).AddDays(i), "wechat", 480m, "CNY", "wechat-moments-ad"),
        new SpendRow(new DateOnly(2026, 9, 1).AddDays(i), "wechat", 200m, "CNY"),
    })];

    /// <summary>
    /// The data set with the defects data quality looks for, added as extra events: every 40th event copied as a
    /// planned search without platform, every 70th as an unplanned coupon event, every 90th purchase copied with
    /// no revenue and every 110th with a negative one.
    /// </summary>
    public static SortedDictionary<DateOnly, List<ProductEvent>> WithDefects(SortedDictionary<DateOnly, List<ProductEvent>> data)
    {
        var defective = new SortedDictionary<DateOnly, List<ProductEvent>>();
        var n = 0;
        foreach (var (day, events) in data)
        {
            var list = new List<ProductEvent>(events);
            foreach (var e in events)
            {
                n++;
                if (n % 40 == 0)
                {
                    list.Add(e with { MessageId = e.MessageId + "-search", Type = EventType.Track, Name = "Search Performed", Platform = null, Revenue = null });
                }
                if (n % 70 == 0)
                {
                    list.Add(e with { MessageId = e.MessageId + "-coupon", Type = EventType.Track, Name = n % 140 == 0 ? "Coupon Applied" : "Coupon Viewed", Revenue = null });
                }
                if (e.Name == Definitions.PurchaseEvent && n % 90 < 3)
                {
                    list.Add(e with { MessageId = e.MessageId + "-norev", Revenue = null });
                }
                if (e.Name == Definitions.PurchaseEvent && n % 110 < 3)
                {
                    list.Add(e with { MessageId = e.MessageId + "-negative", Revenue = -5m });
                }
            }
            defective[day] = list;
        }
        return defective;
    }

    /// <summary>The three long runs every report is checked on (zone, seed, days, signups a day): two zones with a fixed offset and one with daylight saving.</summary>
    public static TheoryData<string, int, int, int> OracleRuns => new()
    {
        { "Asia/Shanghai", 11, 60, 30 },
        { "America/New_York", 12, 60, 30 },
        { "UTC", 13, 130, 6 },
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

    /// <summary>The engine's report for every processing day, folding day by day, with <see cref="Definitions"/> unless given others.</summary>
    public static List<DailyReport> Run(SortedDictionary<DateOnly, List<ProductEvent>> data, string zone, int shards, List<AudienceFigures>? audiences = null,
        MetricDefinitions? definitions = null, IReadOnlyList<SpendRow>? spend = null)
    {
        var engine = new DailyAggregation(definitions ?? Definitions, zone, shards, new FixedClock(GeneratedAt)) { Spend = spend ?? SpendFor(definitions ?? Definitions) };
        return data.Select(day =>
        {
            var report = engine.FoldDay(day.Key, day.Value);
            audiences?.Add(engine.LastAudiences);
            return report;
        }).ToList();
    }

    /// <summary>The oracle's audience lines for one processing day.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> OracleAudiences(SortedDictionary<DateOnly, List<ProductEvent>> data, string zone, DateOnly day) =>
        new NaiveOracle(ForOracle(Definitions), zone).Audiences(data.ToDictionary(p => p.Key, p => (IReadOnlyList<ProductEvent>)p.Value), day);

    /// <summary>The engine's definitions in the oracle's own terms: the one place the two meet, and test code.</summary>
    public static OracleDefinitions ForOracle(MetricDefinitions definitions, IReadOnlyList<SpendRow>? spend = null) =>
        Funnel.Testing.OracleMapping.For(definitions, spend ?? SpendFor(definitions));

    /// <summary>The harness's spend table with its own definitions; none with others unless a test passes some.</summary>
    private static IReadOnlyList<SpendRow> SpendFor(MetricDefinitions definitions) => ReferenceEquals(definitions, Definitions) ? Spend : [];

    /// <summary>The oracle's whole report for one processing day of a data set, as JSON in the contract's shape.</summary>
    public static JsonObject Oracle(SortedDictionary<DateOnly, List<ProductEvent>> data, string zone, DateOnly day) =>
        new NaiveOracle(ForOracle(Definitions), zone).Report(
            data.ToDictionary(p => p.Key, p => (IReadOnlyList<ProductEvent>)p.Value),
            day,
            new ReportIdentity(GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), Definitions.Hash, ReportAssembler.EngineVersion));

    /// <summary>The report as written to <c>report.json</c>, parsed back.</summary>
    public static JsonNode Parsed(DailyReport report) => JsonNode.Parse(ReportJson.Serialize(report))!;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(DailyReport report) => JsonSerializer.Serialize(report, Indented);

    /// <summary>Every metric block of the report: all but <c>events</c>, <c>dataQuality</c> (both describe the day's processing), <c>manifest</c> and <c>generatedAt</c>, for comparing runs whose processing days differ.</summary>
    public static string Metrics(DailyReport report)
    {
        var json = (JsonObject)Parsed(report);
        json.Remove("events");
        json.Remove("dataQuality");
        json.Remove("manifest");
        json.Remove("generatedAt");
        return json.ToJsonString();
    }
}
