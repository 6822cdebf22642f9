namespace Funnel.Domain.Tests.Aggregation;

public class OracleTests
{
    [Theory]
    [InlineData("Asia/Shanghai", 11, 60, 30)]
    [InlineData("America/New_York", 12, 60, 30)]
    [InlineData("UTC", 13, 130, 6)]
    public void Every_report_of_a_long_run_with_late_duplicate_and_shuffled_events_equals_the_naive_oracle(string zone, int seed, int days, int signupsPerDay)
    {
        var data = EngineHarness.DataSet(seed, days, signupsPerDay, zone);
        var reports = EngineHarness.Run(data, zone, shards: 4);
        Assert.True(reports.Count >= days);
        if (days > 120)
        {
            Assert.Contains(reports, r => r.Money.Channels.Any(c => c.Ltv90 > 0));
        }
        Assert.True(reports.Sum(r => r.Events.Late) > 0 && reports.Sum(r => r.Events.DuplicatesDropped) > 0);

        foreach (var (day, report) in data.Keys.Zip(reports))
        {
            var expected = EngineHarness.Json(EngineHarness.Oracle(data, zone, day));
            var actual = EngineHarness.Json(report);
            if (expected != actual)
            {
                Assert.Fail($"{day:yyyy-MM-dd} differs from the oracle; first difference at character {FirstDifference(expected, actual)}:\nexpected …{Around(expected, FirstDifference(expected, actual))}…\nactual   …{Around(actual, FirstDifference(expected, actual))}…");
            }
        }
    }

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }
        return i;
    }

    private static string Around(string text, int at) => text.Substring(Math.Max(0, at - 300), Math.Min(400, text.Length - Math.Max(0, at - 300)));
}
