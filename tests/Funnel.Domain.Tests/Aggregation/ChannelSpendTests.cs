using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Metrics;
using Funnel.Oracle;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Channel spend as data: the upload's rows and refusals, and CAC over new signups from spend, against the naive oracle.</summary>
public class ChannelSpendTests
{
    [Fact]
    public void Channel_costs_come_from_the_spend_of_the_window_and_equal_the_naive_oracle_every_day()
    {
        const string zone = "Asia/Shanghai";
        // Long enough for the LTV cohort (first seen 90-119 days before): CAC, LTV and LTV/CAC all meet the oracle.
        const int days = 125;
        var data = EngineHarness.DataSet(seed: 31, days: days, signupsPerDay: 8, zone);
        var first = data.Keys.First();
        // wechat: spend every day (it replaces the daily cost); douyin: a few days only, some before the window of the
        // last days; baidu: no spend (its daily cost stays); a channel with spend and no events; direct: a zero row.
        var spend = new List<SpendRow>();
        for (var i = 0; i < days; i++)
        {
            spend.Add(new SpendRow(first.AddDays(i), "wechat", 800m + i * 13.37m, "CNY"));
        }
        spend.AddRange([
            new SpendRow(first.AddDays(days - 40), "douyin", 5000m, "CNY"),
            new SpendRow(first.AddDays(days - 20), "douyin", 1234.56m, "CNY"),
            new SpendRow(first.AddDays(days - 5), "kuaishou", 777m, "CNY"),
            new SpendRow(first.AddDays(days - 4), "direct", 0m, "CNY"),
        ]);
        var engine = new DailyAggregation(EngineHarness.Definitions, zone, 3, new FixedClock(EngineHarness.GeneratedAt)) { Spend = spend };
        var oracle = new NaiveOracle(Funnel.Testing.OracleMapping.For(EngineHarness.Definitions, spend), zone);
        var byDay = data.ToDictionary(p => p.Key, p => (IReadOnlyList<Funnel.Events.ProductEvent>)p.Value);
        var differences = new List<string>();
        JsonNode? last = null;
        var ltvToCacSeen = 0;
        foreach (var (day, events) in data)
        {
            var report = EngineHarness.Parsed(engine.FoldDay(day, events));
            var expected = oracle.Report(byDay, day, new ReportIdentity("x", "x", "x"));
            differences.AddRange(JsonComparison.Differences(expected["money"]!, report["money"]!).Select(d => $"{day:yyyy-MM-dd} {d}"));
            last = report;
            ltvToCacSeen += report["money"]!["channels"]!.AsArray().Count(c => c!["ltvToCac"] is not null);
        }
        Assert.True(ltvToCacSeen > 0);
        Assert.Empty(differences);
        var channels = last!["money"]!["channels"]!.AsArray().ToDictionary(c => (string)c!["channel"]!, c => c!);
        // The last day's window is its 30 days: wechat's rows there, douyin's later row, kuaishou's row; baidu keeps 30 daily costs.
        var lastDay = data.Keys.Last();
        Assert.True(lastDay.AddDays(-29) > first.AddDays(days - 40) && lastDay.AddDays(-29) <= first.AddDays(days - 20));
        Assert.Equal(spend.Where(r => r.Channel == "wechat" && r.Day > lastDay.AddDays(-30) && r.Day <= lastDay).Sum(r => r.Amount), (decimal)channels["wechat"]["cost"]!);
        Assert.Equal(1234.56m, (decimal)channels["douyin"]["cost"]!);
        Assert.Equal(777m, (decimal)channels["kuaishou"]["cost"]!);
        Assert.Equal(400m * 30, (decimal)channels["baidu"]["cost"]!);
        Assert.Equal(0m, (decimal)channels["direct"]["cost"]!);
        var wechat = channels["wechat"];
        Assert.Equal(Math.Round((decimal)wechat["cost"]! / (long)wechat["newSignups"]!, 2, MidpointRounding.AwayFromZero), (decimal)wechat["cac"]!);
    }

    [Fact]
    public void An_upload_names_every_bad_row_and_column_and_stores_nothing_then()
    {
        var text = "\uFEFFday,channel,amount,currency\r\n"
            + "2026-11-01,wechat,100.50,CNY\r\n"
            + "2026-11-31,wechat,1,CNY\r\n"
            + "2026-11-02,,1,CNY\r\n"
            + "2026-11-02,douyin,-3,CNY\r\n"
            + "2026-11-02,douyin,1e3,USD\r\n"
            + "2026-11-01,wechat,7,CNY\r\n"
            + "2026-11-03,baidu\r\n";
        var (rows, problems) = SpendCsv.Parse(text, "CNY");
        Assert.Empty(rows);
        Assert.Equal(
            [(3, "day"), (4, "channel"), (5, "amount"), (6, "amount"), (6, "currency"), (7, "day"), (8, "row")],
            problems.Select(p => (p.Row, p.Column)));
        Assert.Contains("row 2", problems.Single(p => p.Row == 7).Reason, StringComparison.Ordinal);
        Assert.Equal("header", Assert.Single(SpendCsv.Parse("date,channel,amount,currency\n", "CNY").Problems).Column);

        var good = SpendCsv.Parse("day,channel,amount,currency\n2026-11-01,wechat,100.50,CNY\n2026-11-02,douyin,0,CNY\n\n", "CNY");
        Assert.Empty(good.Problems);
        Assert.Equal([new SpendRow(new DateOnly(2026, 11, 1), "wechat", 100.50m, "CNY"), new SpendRow(new DateOnly(2026, 11, 2), "douyin", 0m, "CNY")], good.Rows);
        Assert.Equal(good.Rows, SpendCsv.Parse(SpendCsv.Render(good.Rows), "CNY").Rows);
    }

    [Fact]
    public void A_campaign_column_names_a_campaign_of_the_channel_and_its_rows_add_to_the_channels_spend()
    {
        var text = "day,channel,amount,currency,campaign\n"
            + "2026-11-01,douyin,300,CNY,douyin-feed\n"
            + "2026-11-01,douyin,100,CNY,douyin-live\n"
            + "2026-11-01,douyin,50,CNY,\n"
            + "2026-11-02,douyin,70,CNY,douyin-feed\n";
        var (rows, problems) = SpendCsv.Parse(text, "CNY");
        Assert.Empty(problems);
        Assert.Equal([("douyin-feed", 300m), ("douyin-live", 100m), (null, 50m), ("douyin-feed", 70m)], rows.Select(r => (r.Campaign, r.Amount)));
        Assert.Equal(520m, SpendCsv.ByChannel(rows, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 2))["douyin"]);
        var byCampaign = SpendCsv.ByCampaign(rows, new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 2));
        Assert.Equal(70m, Assert.Single(byCampaign, c => c.Key == ("douyin", "douyin-feed")).Value);
        Assert.Equal(rows, SpendCsv.Parse(SpendCsv.Render(rows), "CNY").Rows);

        var twice = SpendCsv.Parse("day,channel,amount,currency,campaign\n2026-11-01,douyin,1,CNY,feed\n2026-11-01,douyin,2,CNY,feed\n2026-11-01,douyin,3,CNY,\n2026-11-01,douyin,4,CNY,x\u0001\n", "CNY");
        Assert.Empty(twice.Rows);
        Assert.Equal([(3, "day"), (5, "campaign")], twice.Problems.Select(p => (p.Row, p.Column)));
        Assert.Contains("campaign 'feed' are already on row 2", twice.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("campaign", Assert.Single(SpendCsv.Parse("day,channel,amount,currency,name\n", "CNY").Problems).Reason, StringComparison.Ordinal);
    }
}
