using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>At its defaults the generator reproduces the configured rates, as the engine measures them on mature cohorts.</summary>
public class GeneratedRatesTests
{
    [Fact]
    public void Default_parameters_yield_the_configured_rates_within_one_and_a_half_points_over_50000_persons()
    {
        var settings = new SimulationSettings { Days = 80, SignupsPerDay = 700, Seed = 2026 };
        var data = new JourneySimulator(settings).Generate();
        var last = data.Keys.Last();
        var fold = new EventFold(MetricDefinitions.Default, new ReportingClock(settings.TimeZone));
        var state = new ShardState();
        fold.FoldDay(state, last, data.Values.SelectMany(e => e));
        var figures = ShardFigures.Compute(state, fold, last, FoldCounts.Zero, funnelCohortDays: 120, retentionCohortDays: 120);
        // Late copies reach past the simulated days; maturity counts from the last day persons were simulated.
        var d = settings.FirstDay.DayNumber + settings.Days - 1;
        var cohorts = Enumerable.Range(settings.FirstDay.DayNumber, settings.Days).ToList();

        double Rate(int step, int matureAfterDays)
        {
            var mature = cohorts.Where(c => c + matureAfterDays <= d).ToList();
            return (double)mature.Sum(c => Reached(c, step)) / mature.Sum(c => Reached(c, step - 1));
        }
        long Reached(int cohort, int step) => figures.Funnels[0].Cohorts.TryGetValue(cohort, out var c) ? c.Reached[step] : 0;
        var signups = cohorts.Sum(c => Reached(c, 0));
        var d7Cohorts = cohorts.Where(c => c + 7 <= d && figures.Retention.Cohorts.ContainsKey(c)).Select(c => figures.Retention.Cohorts[c]).ToList();
        var d7 = (double)d7Cohorts.Sum(c => c.ActiveOnDay.ElementAtOrDefault(7)) / d7Cohorts.Sum(c => c.Size);

        Assert.True(signups >= 50_000, $"only {signups} persons signed up");
        Assert.InRange(Rate(1, 7), settings.Activation - 0.015, settings.Activation + 0.015);
        Assert.InRange(Rate(2, 10), settings.FirstPurchase - 0.015, settings.FirstPurchase + 0.015);
        Assert.InRange(Rate(3, 40), settings.Repurchase - 0.015, settings.Repurchase + 0.015);
        Assert.InRange(d7, settings.D7Retention - 0.015, settings.D7Retention + 0.015);

        // 付费转化率: paying persons over MAU, for the 30 days ending on the last simulated day.
        var lastDay = ShardFigures.Compute(state, fold, DateOnly.FromDayNumber(d), FoldCounts.Zero);
        var payingConversion = (double)lastDay.Money.Paying / lastDay.Activity.Mau;
        Assert.InRange(payingConversion, 0.051 - 0.015, 0.051 + 0.015);

        // 沉睡用户唤醒: of persons back after 30+ quiet days (mature return days), the share active again within 7 days.
        var returns = figures.WinBack.Cohorts.Where(c => c.Key + WinBackMetric.AgainWithinDays <= d).Select(c => c.Value).ToList();
        Assert.True(returns.Sum(c => c[0]) >= 1_500, $"only {returns.Sum(c => c[0])} returns");
        Assert.InRange((double)returns.Sum(c => c[1]) / returns.Sum(c => c[0]), settings.WinBackActiveWithin7 - 0.035, settings.WinBackActiveWithin7 + 0.035);

        // Abandoned carts, counted straight from the events: a cart with no order by the same person within the hour after it.
        var events = data.Values.SelectMany(e => e).DistinctBy(e => e.MessageId).ToList();
        var orders = events.Where(e => e.Name == "Order Completed").ToLookup(e => e.PersonKey, e => e.Timestamp);
        var carts = events.Where(e => e.Name == "Product Added").ToList();
        var abandoned = carts.Count(c => !orders[c.PersonKey].Any(o => o >= c.Timestamp && o - c.Timestamp <= 3_600_000));
        Assert.InRange((double)abandoned / carts.Count, settings.CartAbandonment - 0.015, settings.CartAbandonment + 0.015);
        Assert.True(lastDay.HighIntent.Persons > 0);
    }
}
