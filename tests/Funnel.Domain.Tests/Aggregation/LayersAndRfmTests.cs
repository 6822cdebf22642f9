using Funnel.Engine.Aggregation;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Aggregation;

public class LayersAndRfmTests
{
    private static DailyReport Report(ReportFigures figures) => ReportAssembler.Assemble(figures,
        new ReportContext(new DateOnly(2026, 11, 23), "UTC", new DateOnly(2026, 9, 1), EngineHarness.GeneratedAt, MetricDefinitions.Default));

    private static ReportFigures Payers(params (double R, double F, double M)[] payers)
    {
        var figures = new ReportFigures();
        foreach (var (r, f, m) in payers)
        {
            figures.Rfm.Payers.Add(new RfmPayer((int)r, (long)f, m));
        }
        return figures;
    }

    [Fact]
    public void Five_distinct_payers_take_one_quintile_each_and_fall_into_the_named_groups()
    {
        var rfm = Report(Payers((1, 10, 500), (5, 8, 400), (10, 6, 300), (20, 4, 200), (40, 2, 100))).Rfm;
        Assert.Equal(125, rfm.Cells.Count);
        Assert.Equal([(5, 5, 5), (4, 4, 4), (3, 3, 3), (2, 2, 2), (1, 1, 1)], rfm.Cells.Where(c => c.Persons > 0).Select(c => (c.R, c.F, c.M)));
        Assert.Equal(
            [("champions", 2L), ("loyal", 0L), ("new customers", 0L), ("at risk", 0L), ("hibernating", 2L), ("others", 1L)],
            rfm.Groups.Select(g => (g.Name, g.Persons)));
    }

    [Fact]
    public void Tied_payers_share_the_score_their_strictly_worse_peers_give_them()
    {
        // Recency 3 beats one payer of four: 1 + ⌊5·1/4⌋ = 2; frequency 5 beats three: 1 + ⌊5·3/4⌋ = 4.
        var rfm = Report(Payers((3, 1, 50), (3, 1, 50), (3, 1, 50), (30, 5, 900))).Rfm;
        var cells = rfm.Cells.Where(c => c.Persons > 0).ToDictionary(c => (c.R, c.F, c.M), c => c.Persons);
        Assert.Equal(2, cells.Count);
        Assert.Equal(3, cells[(2, 1, 1)]);
        Assert.Equal(1, cells[(1, 4, 4)]);
    }

    [Fact]
    public void High_value_is_the_top_fifth_of_payers_by_90_day_revenue_ties_included()
    {
        var figures = new ReportFigures();
        foreach (var revenue in new[] { 100.0, 200, 300, 400, 500, 500, 50, 60, 70, 80 })
        {
            figures.Layers.PayerRevenue90.Add(revenue);
        }
        Assert.Equal(2, Report(figures).Layers.HighValue);
        figures.Layers.PayerRevenue90.Add(500);
        Assert.Equal(3, Report(figures).Layers.HighValue);
    }

    [Fact]
    public void Layer_conversion_is_the_share_that_paid_in_the_last_30_days()
    {
        var figures = new ReportFigures();
        figures.Layers.ActiveNeverPaid.Persons = 200;
        figures.Layers.ActiveNeverPaid.Paid = 5;
        Assert.Equal(0.025, Report(figures).Layers.PurchaseConversion.ActiveNeverPaid);
    }
}
