using Funnel.Domain.Reports;

namespace Funnel.Domain.Tests.Aggregation;

public class ReportDump
{
    [Fact]
    public void Dump()
    {
        var dir = Environment.GetEnvironmentVariable("FUNNEL_REPORT_DUMP");
        if (dir is null)
        {
            return;
        }
        foreach (var (zone, seed, days, signups) in new[] { ("Asia/Shanghai", 11, 60, 30), ("America/New_York", 12, 60, 30), ("UTC", 13, 130, 6) })
        {
            var data = EngineHarness.DataSet(seed, days, signups, zone);
            var reports = EngineHarness.Run(data, zone, shards: 4);
            var target = Path.Combine(dir, $"{zone.Replace('/', '_')}-{seed}");
            Directory.CreateDirectory(target);
            foreach (var (day, report) in data.Keys.Zip(reports))
            {
                File.WriteAllBytes(Path.Combine(target, $"{day:yyyy-MM-dd}.json"), ReportJson.Serialize(report));
            }
        }
    }
}
