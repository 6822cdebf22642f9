using System.Text;
using System.Text.Json.Nodes;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Aggregation;

public class OracleTests
{
    [Theory]
    [MemberData(nameof(EngineHarness.OracleRuns), MemberType = typeof(EngineHarness))]
    public void Every_report_of_a_long_run_with_late_duplicate_and_shuffled_events_equals_the_naive_oracle_field_by_field(string zone, int seed, int days, int signupsPerDay)
    {
        var data = EngineHarness.WithDefects(EngineHarness.DataSet(seed, days, signupsPerDay, zone));
        // The data hold what the one-person-per-human rule is about (counted from the raw events, not by the engine).
        var identity = IdentityCoverage.Of(data, zone, shards: 4);
        Assert.True(identity.HistoriesOverSeveralDaysBeforeTheLink > 0 && identity.LinksDeliveredLate > 0, identity.ToString());
        Assert.True(identity.LinkedOnSignupDay > 0 && identity.LinkedAfterSignupDay > 0 && identity.DeviceAndUserOnDifferentShards > 0, identity.ToString());
        var audiences = new List<AudienceFigures>();
        var reports = EngineHarness.Run(data, zone, shards: 4, audiences);
        Assert.True(reports.Count >= days);
        if (days > 120)
        {
            Assert.Contains(reports, r => r.Money.Channels.Any(c => c.Ltv90 > 0));
        }
        Assert.True(reports.Sum(r => r.Events.Late) > 0 && reports.Sum(r => r.Events.DuplicatesDropped) > 0);
        // Every block has figures to compare, not only empty lists and zeros.
        Assert.Contains(reports, r => r.Funnels[0].Cohorts.Any(c => c.SecondsToConvert[2] is not null && c.Steps[2].Mature && c.SecondsToConvert[^1] is not null));
        Assert.Contains(reports, r => r.Retention.Cohorts.Any(c => c.Rolling.D7 > 0));
        Assert.Contains(reports, r => r.Activity.Resurrected > 0);
        Assert.Contains(reports, r => r.Layers.HighValue > 0 && r.Rfm.Groups.Count(g => g.Persons > 0) >= 4);
        Assert.Contains(reports, r => r.Experiments.Any(e => e.SampleRatio.PValue is not null && e.Variants.Any(v => v.PValue is not null && v.Lift is not null)));
        // The purchase figures have something to compare: first purchases long after signup, repurchases in both windows, survey answers.
        Assert.True(FirstPurchasesLongAfterSignup(data) > 0);
        Assert.Contains(reports, r => r.Purchases.Funnel.Within7.Repurchased > 0 && r.Purchases.Funnel.Within30.Repurchased > r.Purchases.Funnel.Within7.Repurchased);
        Assert.Contains(reports, r => r.Purchases.PayerRetention.Any(c => c.D30 > 0 && c.Repurchase30 > 0));
        Assert.Contains(reports, r => r.Purchases.NewPayers.Day > 0 && r.Purchases.Orders.ByChannel.Count >= 3 && r.Purchases.Orders.ByPlatform.Count >= 3);
        Assert.Contains(reports, r => r.Lifecycle.Kpis.GrowingNps is not null && r.Lifecycle.Kpis.NpsRespondents > 10);
        Assert.Contains(reports, r => r.Lifecycle.Kpis.PotentialCac > 0 && r.Lifecycle.Kpis.MatureLtv > r.Lifecycle.Kpis.MatureRevenue90 / 2);
        // The 30/70 rollout is checked against its configured split, and passes once it has exposures enough to tell.
        Assert.Contains(reports, r => r.Experiments.Any(e => e.Name == "onboarding-v2" && e.SampleRatio.Observed["new"] is > 0.2 and < 0.4
            && e.SampleRatio.Expected["new"] == 0.3 && e.SampleRatio.PValue > 0.01 && e.Variants.Single(v => v.Value == "new").Exposed > 50));
        // Breakdowns by first-touch channel and platform have rows to compare: retention, stages (cold persons' too), win-back.
        Assert.Contains(reports, r => r.Retention.Cohorts.Any(c => c.Breakdowns.Channel.Count >= 3 && c.Breakdowns.Platform.Count >= 3 && c.Breakdowns.Channel.Any(b => b.D7 > 0)));
        Assert.Contains(reports, r => r.Lifecycle.Breakdowns.Channel.Count >= 4 && r.Lifecycle.Breakdowns.Platform.Any(b => b.Stages.Churned > 0 && b.Stages.Potential > 0));
        Assert.Contains(reports, r => r.WinBack.Breakdowns.Channel.Count >= 2 && r.WinBack.Breakdowns.Platform.Any(b => b.Rate > 0));
        // Sessions: several per active person on some days, with length, on every platform.
        Assert.Contains(reports, r => r.Sessions.All.Sessions > r.Sessions.All.ActivePersons && r.Sessions.All.AverageSeconds > 0 && r.Sessions.ByPlatform.Count >= 3);
        // 触达: every channel sends and is opened; some persons are pushed over the weekly cap.
        Assert.Contains(reports, r => r.Touches.Count == 3 && r.Touches.All(c => c.Sent > 0 && c.OpenRate > 0) && r.Touches[0].PersonsOverCap > 0);
        // 功能使用率: each configured feature used, on the day and over the month.
        Assert.Contains(reports, r => r.Features.Count == 3 && r.Features.All(f => f.Used30 > 0 && f.MauShare > 0) && r.Features.Any(f => f.DauShare > 0));
        // 活动效果: several campaigns per channel; conversions whose last touch is another campaign than the first; ROI where spend is known.
        Assert.Contains(reports, r => r.Campaigns.Channels.Any(c => r.Campaigns.Campaigns.Count(k => k.Source == c.Channel && k.FirstTouch.NewPersons > 0) >= 2));
        Assert.Contains(reports, r => r.Campaigns.Campaigns.Any(c => c.Medium == "retargeting" && c.LastTouch.FirstPurchases > 0 && c.FirstTouch.NewPersons == 0));
        Assert.Contains(reports, r => r.Campaigns.Campaigns.Any(c => c.LastTouch.Revenue != c.FirstTouch.Revenue && c.LastTouch.Revenue > 0 && c.FirstTouch.Revenue > 0));
        Assert.Contains(reports, r => r.Campaigns.NotAttributed.FirstTouch.Signups > 0 && r.Campaigns.NotAttributed.LastTouch.Revenue > 0);
        Assert.Contains(reports, r => r.Campaigns.Channels.Any(c => c.LastTouch.Roi is not null) && r.Campaigns.Campaigns.Any(c => c.FirstTouch.Roi is not null));
        // Returns with and without a week's activity after them, pooled over the mature cohorts.
        Assert.Contains(reports, r => r.WinBack.Mature.ActiveWithin7 > 0 && r.WinBack.Mature.Returned > r.WinBack.Mature.ActiveWithin7);

        var differences = new List<string>();
        foreach (var (day, report) in data.Keys.Zip(reports))
        {
            var expected = EngineHarness.Oracle(data, zone, day);
            differences.AddRange(JsonComparison.Differences(expected, EngineHarness.Parsed(report)).Select(d => $"{day:yyyy-MM-dd} {d}"));
        }
        // Audience files on every 7th day and the last: the same persons with the same facts as the oracle's.
        foreach (var (day, index) in data.Keys.Select((d, i) => (d, i)).Where(p => p.i % 7 == 6 || p.i == data.Count - 1))
        {
            var files = AudienceCsv.Render(audiences[index]);
            foreach (var (file, lines) in EngineHarness.OracleAudiences(data, zone, day))
            {
                var text = Encoding.UTF8.GetString(files[file]);
                Assert.StartsWith("\uFEFF", text, StringComparison.Ordinal);
                var rows = text[1..].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
                if (!rows.SequenceEqual(lines))
                {
                    differences.Add($"{day:yyyy-MM-dd} {file}: {rows.Count} rows, oracle {lines.Count}; first differing: {rows.Except(lines).Concat(lines.Except(rows)).FirstOrDefault()}");
                }
            }
        }
        Assert.True(differences.Count == 0,
            $"{differences.Count} fields differ from the oracle (expected = oracle, actual = engine); the first {Math.Min(20, differences.Count)}:\n{string.Join("\n", differences.Take(20))}");
        Assert.Contains(reports, r => r.Lifecycle.Stages.Churned > 0 && r.Lifecycle.Stages.ChurnWarning > 0 && r.Lifecycle.Stages.Mature > 0 && r.Lifecycle.Kpis.SaveRate7 > 0);
        Assert.Contains(reports, r => r.Lifecycle.Kpis.ReactivationRate7 > 0);
        Assert.Contains(reports, r => r.Lifecycle.Kpis.NewD1 > 0);
        Assert.Contains(reports, r => r.WinBack.Cohorts.Any(c => c.Mature && c.ActiveWithin7 > 0));
        Assert.Contains(reports, r => r.HighIntent.ByChannel.Count >= 2);
        Assert.Contains(audiences, a => a.HighIntent.Count > 0 && a.ChurnWarning.Count > 0 && a.WinBack.Count > 0);
        Assert.Contains(reports, r => r.DataQuality.Accuracy.InvalidRevenue > 0 && r.DataQuality.Completeness.MissingPlatform > 0
            && r.DataQuality.Consistency.UnknownEvents.Count == 2 && r.DataQuality.Timeliness.LagSeconds.P99 > 0);
    }

    /// <summary>Users whose first purchase came 10 days or more after their signup, counted from the raw events.</summary>
    private static int FirstPurchasesLongAfterSignup(SortedDictionary<DateOnly, List<ProductEvent>> data)
    {
        var tracks = data.Values.SelectMany(e => e).Where(e => e.Type == EventType.Track && !e.AnonymousOnly).ToList();
        var signups = tracks.Where(e => e.Name == "Signed Up").GroupBy(e => e.PersonKey).ToDictionary(g => g.Key, g => g.Min(e => e.Timestamp));
        return tracks.Where(e => e.Name == "Order Completed").GroupBy(e => e.PersonKey)
            .Count(g => signups.TryGetValue(g.Key, out var signup) && g.Min(e => e.Timestamp) - signup >= 10 * 86_400_000L);
    }

    [Fact]
    public void The_comparison_names_every_differing_path_with_both_values()
    {
        var expected = JsonNode.Parse("""{"a": 1.50, "b": [1, 2, 3], "c": {"d": null, "e": "x"}, "f": 0.1}""");
        var actual = JsonNode.Parse("""{"a": 1.5, "b": [1, 5], "c": {"d": 0, "g": "x"}, "f": 0.10000000000000002}""");
        Assert.Equal(
            ["$.b[1]: expected 2, actual 5", "$.b[2]: expected 3, actual (missing)", "$.c.d: expected null, actual 0", "$.c.e: expected \"x\", actual (missing)", "$.c.g: expected (missing), actual \"x\"", "$.f: expected 0.1, actual 0.10000000000000002"],
            JsonComparison.Differences(expected, actual).Select(d => d.ToString()));
    }
}
