using System.Text;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Hand-made boundaries of the lifecycle stages, win-back returns and high intent, and the transition matrix's conservation.</summary>
public class SeedMeasureTests
{
    private static readonly DateOnly D = new(2026, 6, 30);
    private static readonly long DMidnight = new DateTimeOffset(D.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
    private const long DayMs = 86_400_000;

    /// <summary>An event of person p, <paramref name="daysAgo"/> days before D at noon UTC (+ ms), processed on the day it happened unless <paramref name="processedDaysAgo"/> says later.</summary>
    private sealed record Given(string Name, int DaysAgo, long Ms = 0, int? ProcessedDaysAgo = null, string Person = "p", string? Channel = null);

    private static int _ids;

    /// <summary>Every report from the first processing day to D, in UTC, one shard.</summary>
    private static List<DailyReport> Run(params Given[] given)
    {
        var engine = new DailyAggregation(MetricDefinitions.Default, "UTC", 1, new FixedClock(EngineHarness.GeneratedAt));
        var first = given.Max(g => g.ProcessedDaysAgo ?? g.DaysAgo);
        var reports = new List<DailyReport>();
        for (var ago = first; ago >= 0; ago--)
        {
            var events = given.Where(g => (g.ProcessedDaysAgo ?? g.DaysAgo) == ago)
                .Select(g =>
                {
                    var at = DMidnight - g.DaysAgo * DayMs + DayMs / 2 + g.Ms;
                    return new ProductEvent($"m{Interlocked.Increment(ref _ids)}", g.Person, EventType.Track, g.Name, at, at, g.Channel, "ios",
                        g.Name == "Order Completed" ? 10m : null, null, null, null);
                })
                .ToList();
            reports.Add(engine.FoldDay(D.AddDays(-ago), events));
        }
        return reports;
    }

    private static LifecycleStages Stages(params Given[] given) => Run(given)[^1].Lifecycle.Stages;

    [Fact]
    public void Active_exactly_14_days_ago_is_a_churn_warning_13_days_ago_is_not()
    {
        Assert.Equal(1, Stages(new("Signed Up", 40), new("Page", 14)).ChurnWarning);
        Assert.Equal(1, Stages(new("Signed Up", 40), new("Page", 13)).Growing);
    }

    [Fact]
    public void Active_exactly_30_days_ago_is_churned_29_days_ago_is_a_churn_warning()
    {
        Assert.Equal(1, Stages(new("Signed Up", 40), new("Page", 30)).Churned);
        Assert.Equal(1, Stages(new("Signed Up", 40), new("Page", 29)).ChurnWarning);
    }

    [Fact]
    public void Signed_up_exactly_7_days_ago_is_no_longer_new_6_days_ago_is()
    {
        Assert.Equal(1, Stages(new("Signed Up", 7), new("Page", 0)).Growing);
        Assert.Equal(1, Stages(new Given("Signed Up", 6)).New);
        Assert.Equal(1, Stages(new Given("Page", 3)).Potential);
    }

    [Fact]
    public void A_second_purchase_arriving_late_makes_the_person_mature_and_corrects_the_day_before()
    {
        var reports = Run(new("Signed Up", 40), new("Order Completed", 20), new("Order Completed", 1, ProcessedDaysAgo: 0));
        Assert.Equal(1, reports[^2].Lifecycle.Stages.ChurnWarning);
        Assert.Equal(1, reports[^1].Lifecycle.Stages.Mature);
        // The day before is recomputed with the late purchase: mature then too.
        Assert.Equal([new LifecycleTransition("mature", "mature", 1)], reports[^1].Lifecycle.Transitions);
    }

    [Fact]
    public void A_return_needs_31_quiet_days_and_counts_activity_up_to_7_days_after()
    {
        var back = Run(new("Page", 40), new("Page", 9), new("Page", 2))[^1].WinBack.Cohorts;
        Assert.Equal([new WinBackCohort("2026-06-21", 1, 1, 1, true)], back);
        Assert.Empty(Run(new("Page", 39), new("Page", 9))[^1].WinBack.Cohorts);
        var late = Run(new("Page", 45), new("Page", 14), new("Page", 6))[^1].WinBack.Cohorts;
        Assert.Equal([new WinBackCohort("2026-06-16", 1, 0, 0, true)], late);
        Assert.False(Run(new("Page", 40), new("Page", 6))[^1].WinBack.Cohorts.Single().Mature);
        Assert.Empty(Run(new("Page", 70), new("Page", 30))[^1].WinBack.Cohorts);
        Assert.Single(Run(new("Page", 70), new("Page", 29))[^1].WinBack.Cohorts);
    }

    [Fact]
    public void A_purchase_in_the_same_instant_as_the_cart_clears_high_intent_one_a_millisecond_earlier_does_not()
    {
        Assert.Equal(0, Run(new("Product Added", 2), new("Order Completed", 2))[^1].HighIntent.Persons);
        Assert.Equal(0, Run(new("Checkout Started", 2), new("Order Completed", 2, Ms: 900))[^1].HighIntent.Persons);
        var intent = Run(new("Product Added", 2, Channel: "wechat"), new("Order Completed", 2, Ms: -1))[^1].HighIntent;
        Assert.Equal(1, intent.Persons);
        Assert.Equal([new HighIntentChannel("wechat", 1)], intent.ByChannel);
        Assert.Equal(1, Run(new Given("Product Added", 6))[^1].HighIntent.Persons);
        Assert.Equal(0, Run(new Given("Product Added", 7))[^1].HighIntent.Persons);
    }

    [Fact]
    public void Audience_files_list_each_qualifying_person_with_their_fact_and_keys_as_a_spreadsheet_reads_them_safely()
    {
        var engine = new DailyAggregation(MetricDefinitions.Default, "UTC", 2, new FixedClock(EngineHarness.GeneratedAt));
        ProductEvent E(string person, string name, int daysAgo, long ms = 0)
        {
            var at = DMidnight - daysAgo * DayMs + DayMs / 2 + ms;
            return new ProductEvent($"m{Interlocked.Increment(ref _ids)}", person, EventType.Track, name, at, at, null, "ios", name == "Order Completed" ? 10m : null, null, null, null);
        }
        var events = new List<ProductEvent>
        {
            E("cart, \"quoted\"", "Product Added", 3), E("=HYPERLINK(1)", "Checkout Started", 1), E("=HYPERLINK(1)", "Product Added", 2),
            E("bought", "Product Added", 2), E("bought", "Order Completed", 2),
            E("warned", "Signed Up", 40), E("warned", "Page", 20), E("gone", "Signed Up", 60), E("gone", "Page", 45),
        };
        engine.FoldDay(D, events);
        var files = AudienceCsv.Render(engine.LastAudiences).ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value));
        Assert.Equal("\uFEFFperson,intentAt\r\n'=HYPERLINK(1),2026-06-29T12:00:00.000Z\r\n\"cart, \"\"quoted\"\"\",2026-06-27T12:00:00.000Z\r\n", files["audiences/high-intent.csv"]);
        Assert.Equal("\uFEFFperson,lastActiveDay\r\nwarned,2026-06-10\r\n", files["audiences/churn-warning.csv"]);
        Assert.Equal("\uFEFFperson,lastActiveDay\r\ngone,2026-05-16\r\n", files["audiences/win-back.csv"]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.06)]
    public void The_transition_matrix_conserves_persons(double lateFraction)
    {
        var data = new JourneySimulator(new SimulationSettings { Seed = 5, Days = 60, SignupsPerDay = 20, TimeZone = "Asia/Shanghai", LateFraction = lateFraction }).Generate();
        var reports = EngineHarness.Run(data, "Asia/Shanghai", 3);
        string[] stages = ["potential", "new", "growing", "mature", "churnWarning", "churned"];
        static long Count(LifecycleStages s, string stage) => stage switch
        {
            "potential" => s.Potential, "new" => s.New, "growing" => s.Growing, "mature" => s.Mature, "churnWarning" => s.ChurnWarning, _ => s.Churned,
        };
        Assert.Contains(reports, r => r.Lifecycle.Transitions.Any(t => t.From == "churnWarning" && t.To == "churned"));
        for (var i = 1; i < reports.Count; i++)
        {
            var today = reports[i].Lifecycle;
            foreach (var stage in stages)
            {
                Assert.Equal(Count(today.Stages, stage), today.Transitions.Where(t => t.To == stage).Sum(t => t.Persons));
                if (lateFraction == 0)
                {
                    // Without late events the day before's report saw the same events up to its day.
                    Assert.Equal(Count(reports[i - 1].Lifecycle.Stages, stage), today.Transitions.Where(t => t.From == stage).Sum(t => t.Persons));
                }
            }
            Assert.Equal(reports[i].Activity.NewPersons, today.Transitions.Where(t => t.From == "none").Sum(t => t.Persons));
        }
    }
}
