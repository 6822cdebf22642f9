using Funnel.Domain.Tests.Aggregation;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Reports;

/// <summary>The headline step rates read only cohorts whose window for the step has closed, and say which.</summary>
public class MatureRatesTests
{
    private static readonly DateOnly Day = new(2026, 11, 20);

    private static long At(DateOnly day, int hour, int minute = 0) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static ProductEvent Track(string person, string name, long at) =>
        new($"{person}-{name}-{at}", person, EventType.Track, name, at, at + 1_000, null, null, null, null, null, null);

    [Fact]
    public void A_cohort_whose_7_day_window_closes_on_the_report_day_counts_and_a_day_younger_one_does_not()
    {
        // Activated is step 1 with a 7-day window: the cohort of D-7 has had it in full by the end of D, D-6 has not.
        var events = new List<ProductEvent>
        {
            Track("a1", "Signed Up", At(Day.AddDays(-8), 10)), Track("a1", "Activated", At(Day.AddDays(-2), 9)),
            Track("b1", "Signed Up", At(Day.AddDays(-7), 23, 59)), Track("b1", "Activated", At(Day, 0, 30)),
            Track("b2", "Signed Up", At(Day.AddDays(-7), 8)),
            Track("c1", "Signed Up", At(Day.AddDays(-6), 8)), Track("c1", "Activated", At(Day.AddDays(-5), 8)),
            Track("c2", "Signed Up", At(Day.AddDays(-6), 9)), Track("c2", "Activated", At(Day.AddDays(-6), 10)),
        };
        var engine = new DailyAggregation(MetricDefinitions.Default, "UTC", 2, new FixedClock(EngineHarness.GeneratedAt));
        DailyReport? report = null;
        for (var d = Day.AddDays(-8); d <= Day; d = d.AddDays(1))
        {
            var day = d;
            report = engine.FoldDay(day, events.Where(e => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp).UtcDateTime) == day).ToList());
        }
        var compared = ReportComparisons.Attach(report!, new Dictionary<string, IReadOnlyDictionary<DateOnly, double>>(), null);
        var activated = compared.Comparisons!.Steps.Single(s => s.Step == 1);
        // Over D-8 and D-7: a1 and b1 activated, b2 did not; c1 and c2 (D-6) stay out although both activated.
        Assert.Equal(["2026-11-12", "2026-11-13"], activated.Cohorts);
        Assert.Equal(2.0 / 3, activated.Rate!.Value, 6);
        // First purchase (3 more days) has no closed cohort yet: no rate rather than a low one.
        var purchase = compared.Comparisons.Steps.Single(s => s.Step == 2);
        Assert.Null(purchase.Rate);
        Assert.Empty(purchase.Cohorts);
        // The immature cohort stays in the funnel's table, marked so.
        var young = report!.Funnels[0].Cohorts.Single(c => c.Day == "2026-11-14");
        Assert.False(young.Steps[1].Mature);
        Assert.Equal(2, young.Steps[1].Count);
    }
}
