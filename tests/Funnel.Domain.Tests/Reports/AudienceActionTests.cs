using System.Text;
using Funnel.Domain.Tests.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Reports;

/// <summary>The audiences that came with suggested actions, at their edges, by hand, against the naive oracle's lists.</summary>
public class AudienceActionTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static long At(int daysBefore, int hour) =>
        new DateTimeOffset(Day.AddDays(-daysBefore).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static ProductEvent Track(string person, string name, long at, decimal? revenue = null) =>
        new($"{person}-{name}-{at}", person, EventType.Track, name, at, at + 1_000, null, null, revenue, null, null, null);

    private static SortedDictionary<DateOnly, List<ProductEvent>> ByDay(IEnumerable<ProductEvent> events)
    {
        var data = new SortedDictionary<DateOnly, List<ProductEvent>>();
        for (var d = Day.AddDays(-100); d <= Day; d = d.AddDays(1))
        {
            data[d] = [];
        }
        foreach (var e in events)
        {
            data[DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp).UtcDateTime)].Add(e);
        }
        return data;
    }

    /// <summary>Each file's data lines as the engine writes them, after checking they are the oracle's.</summary>
    private static Dictionary<string, List<string>> Files(SortedDictionary<DateOnly, List<ProductEvent>> data)
    {
        var audiences = new List<AudienceFigures>();
        var report = EngineHarness.Run(data, "UTC", shards: 2, audiences)[^1];
        var files = AudienceCsv.Render(audiences[^1]);
        var oracle = new Funnel.Oracle.NaiveOracle(EngineHarness.ForOracle(EngineHarness.Definitions), "UTC")
            .Audiences(data.ToDictionary(p => p.Key, p => (IReadOnlyList<ProductEvent>)p.Value), Day);
        Assert.Equal(oracle.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        var lines = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (file, bytes) in files)
        {
            var text = Encoding.UTF8.GetString(bytes);
            Assert.StartsWith("\uFEFFperson,", text, StringComparison.Ordinal);
            Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
            lines[file] = [.. text[1..].Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)];
            // The oracle writes keys as they are; the file guards one a spreadsheet would run as a formula.
            Assert.Equal(oracle[file].Select(l => ReportCsv.Cell(l[..l.LastIndexOf(',')]) + l[l.LastIndexOf(',')..]), lines[file]);
            // The report lists the file with as many persons as it has rows.
            Assert.Equal(lines[file].Count, report.Audiences.Single(a => a.File == file).Persons);
        }
        return lines;
    }

    [Fact]
    public void Activation_without_a_purchase_counts_from_3_days_on_and_a_single_first_purchase_from_7_days_on()
    {
        var events = new List<ProductEvent>();
        foreach (var (person, daysBefore) in new[] { ("act2", 2), ("act3", 3), ("act32", 32), ("act33", 33) })
        {
            events.Add(Track(person, "Signed Up", At(daysBefore, 9)));
            events.Add(Track(person, "Activated", At(daysBefore, 10)));
        }
        events.Add(Track("act3paid", "Signed Up", At(3, 9)));
        events.Add(Track("act3paid", "Activated", At(3, 10)));
        events.Add(Track("act3paid", "Order Completed", At(0, 10), 9m));
        foreach (var (person, daysBefore) in new[] { ("buy6", 6), ("buy7", 7), ("buy36", 36), ("buy37", 37) })
        {
            events.Add(Track(person, "Order Completed", At(daysBefore, 12), 20m));
        }
        events.Add(Track("buy7twice", "Order Completed", At(7, 12), 20m));
        events.Add(Track("buy7twice", "Order Completed", At(1, 12), 20m));

        var files = Files(ByDay(events));

        Assert.Equal(["act3,2026-11-17T10:00:00.000Z", "act32,2026-10-19T10:00:00.000Z"], files["audiences/activated-no-purchase-3d.csv"]);
        Assert.Equal(["buy36,2026-10-15T12:00:00.000Z", "buy7,2026-11-13T12:00:00.000Z"], files["audiences/first-purchase-no-repurchase-7d.csv"]);
    }

    [Fact]
    public void High_value_takes_the_top_fifth_of_payers_with_ties_and_new_users_guard_a_key_a_spreadsheet_would_run()
    {
        var events = new List<ProductEvent>();
        // Ten payers of 10, 20 … 100; the 9th and a copy of it tie at the cut (the top fifth of 11 payers is 3 persons).
        for (var i = 1; i <= 10; i++)
        {
            events.Add(Track($"p{i:D2}", "Order Completed", At(40, 12), 10m * i));
        }
        events.Add(Track("p09-tie", "Order Completed", At(80, 12), 90m));
        events.Add(Track("old-payer", "Order Completed", At(95, 12), 1000m));
        events.Add(Track("=HYPERLINK(1)", "Signed Up", At(6, 9)));
        events.Add(Track("signed-7-days-ago", "Signed Up", At(7, 9)));

        var files = Files(ByDay(events));

        Assert.Equal(["p09,90.00", "p09-tie,90.00", "p10,100.00"], files["audiences/high-value.csv"].Order(StringComparer.Ordinal));
        Assert.Equal(["'=HYPERLINK(1),2026-11-14"], files["audiences/new-users.csv"]);
        Assert.Contains("'=HYPERLINK(1),2026-11-14", files["audiences/active-never-paid.csv"]);
    }

    [Fact]
    public void Configured_actions_replace_the_built_in_ones_by_language_and_an_unknown_audience_is_a_problem()
    {
        var definitions = MetricDefinitions.Default with
        {
            AudienceActions = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["high-value"] = new Dictionary<string, string> { ["en"] = "Invite to the VIP club" },
            },
        };
        var actions = AudienceMetric.ActionsFor(definitions);
        Assert.Equal("Invite to the VIP club", actions["high-value"]["en"]);
        Assert.Equal(AudienceMetric.DefaultActions["high-value"]["zh-CN"], actions["high-value"]["zh-CN"]);
        Assert.Equal(AudienceMetric.DefaultActions["win-back"]["en"], actions["win-back"]["en"]);
        // Actions change no figure: the definitions' hash stays.
        Assert.Equal(MetricDefinitions.Default.Hash, definitions.Hash);

        var wrong = MetricDefinitions.Default with
        {
            AudienceActions = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["everyone"] = new Dictionary<string, string> { ["en"] = "Send all" },
                ["win-back"] = new Dictionary<string, string> { ["en"] = " " },
            },
        };
        Assert.Equal(["audienceActions.everyone", "audienceActions.win-back.en"], wrong.Problems().Select(p => p.Path));
    }
}
