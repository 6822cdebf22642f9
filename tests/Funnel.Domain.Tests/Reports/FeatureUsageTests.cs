using Funnel.Metrics;
using static Funnel.Domain.Tests.Reports.PurchasesAndStageKpisTests;

namespace Funnel.Domain.Tests.Reports;

/// <summary>功能使用率 at its edges, by hand, against the naive oracle on the same events.</summary>
public class FeatureUsageTests
{
    [Fact]
    public void A_feature_counts_over_the_30_days_ending_on_the_report_day_as_shares_of_dau_and_mau()
    {
        var events = new List<Funnel.Events.ProductEvent>
        {
            // Searched today and 29 days ago: one person, counted once in the month.
            Track("a", "Search Performed", At(0, 10)), Track("a", "Search Performed", At(29, 10)),
            // Searched 29 days ago (in), 30 days ago (out), active today.
            Track("b", "Search Performed", At(29, 11)), Track("c", "Search Performed", At(30, 11)), Track("c", "Product Viewed", At(0, 11)),
            // A coupon today; nobody shared; an event that is no feature.
            Track("d", "Coupon Claimed", At(0, 12)), Track("e", "Coupon Viewed", At(0, 12)),
        };

        var (report, _) = Run(events);

        Assert.Equal(["Search Performed", "Coupon Claimed", "Product Shared"], report.Features.Select(f => f.Event));
        var search = report.Features[0];
        // DAU: a, c, d, e; MAU: a, b, c, d, e.
        Assert.Equal((1L, 0.25, 2L, 0.4), (search.UsedToday, search.DauShare, search.Used30, search.MauShare));
        Assert.Equal((1L, 1L), (report.Features[1].UsedToday, report.Features[1].Used30));
        Assert.Equal((0L, 0.0), (report.Features[2].Used30, report.Features[2].MauShare));
    }

    [Fact]
    public void Features_must_be_distinct_event_names()
    {
        var definitions = MetricDefinitions.Default with { Features = ["Search Performed", " ", "Search Performed"] };
        Assert.Equal(["features[1]", "features[2]"], definitions.Problems().Select(p => p.Path));
        // The list decides what the fold keeps, so it is part of the hash.
        Assert.NotEqual(MetricDefinitions.Default.Hash, (MetricDefinitions.Default with { Features = ["Search Performed"] }).Hash);
    }
}
