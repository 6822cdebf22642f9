using Funnel.Engine.Aggregation;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Aggregation;

public class ExperimentReportTests
{
    private static ReportFigures Figures(params (string Variant, long[] Steps)[] variants)
    {
        var figures = new ReportFigures();
        var experiment = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        FunnelFigures.At(figures.Funnels, 0).Variant["pay-3-steps"] = experiment;
        foreach (var (variant, steps) in variants)
        {
            experiment[variant] = steps;
        }
        return figures;
    }

    private static DailyReport Report(ReportFigures figures) => ReportAssembler.Assemble(figures,
        new ReportContext(new DateOnly(2026, 11, 23), "Asia/Shanghai", new DateOnly(2026, 9, 1), EngineHarness.GeneratedAt, MetricDefinitions.Default));

    [Fact]
    public void Treatment_is_tested_against_control_on_first_purchase()
    {
        var report = Report(Figures(("control", [1000, 650, 100, 30]), ("treatment", [1000, 660, 130, 41])));
        var experiment = Assert.Single(report.Experiments);
        Assert.Equal(("pay-3-steps", "control", "first purchase"), (experiment.Name, experiment.Control, experiment.Step));
        var treatment = experiment.Variants.Single(v => v.Value == "treatment");
        Assert.Equal((1000L, 130L, 0.13), (treatment.Exposed, treatment.Converted, treatment.Rate));
        Assert.Equal(0.3, treatment.Lift!.Value, 6);
        Assert.Equal(0.035488, treatment.PValue!.Value, 6);
        Assert.Equal([0.002068, 0.057932], treatment.Ci95!);
        var control = experiment.Variants.Single(v => v.Value == "control");
        Assert.Null(control.PValue);
        Assert.Null(control.Lift);
        Assert.Equal(0.5, experiment.SampleRatio.Observed["treatment"]);
        Assert.Equal(1.0, experiment.SampleRatio.PValue);
    }

    [Fact]
    public void An_uneven_split_shows_in_the_sample_ratio_check()
    {
        var report = Report(Figures(("control", [5100, 1, 1, 0]), ("treatment", [4900, 1, 1, 0])));
        var check = Assert.Single(report.Experiments).SampleRatio;
        Assert.Equal(0.0455, check.PValue!.Value, 4);
        Assert.Equal(0.51, check.Observed["control"]);
    }
}
