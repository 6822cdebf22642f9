using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>
/// Reference values computed by hand from the textbook formulas (pooled z for the p-value,
/// unpooled standard error for the 95% interval, Pearson chi-square), evaluated with an
/// independent erfc (Python's math.erfc) to 12 places.
/// </summary>
public class StatisticsTests
{
    [Theory]
    [InlineData(100, 1000, 130, 1000, 0.035488450466, 0.002067934439, 0.057932065561)]
    [InlineData(380, 1000, 418, 1000, 0.082708657814, -0.004890353627, 0.080890353627)]
    [InlineData(2000, 20000, 2150, 20000, 0.013911796781, 0.001523817027, 0.013476182973)]
    [InlineData(50, 400, 45, 410, 0.500226580009, -0.059582162176, 0.029094357298)]
    public void The_two_proportion_test_matches_the_hand_computed_reference(long x1, long n1, long x2, long n2, double pValue, double low, double high)
    {
        var (p, l, h) = Statistics.TwoProportionTest(x1, n1, x2, n2);
        Assert.Equal(pValue, p, 9);
        Assert.Equal(low, l, 9);
        Assert.Equal(high, h, 9);
    }

    [Theory]
    [InlineData(new long[] { 4970, 5030 }, 0.548506235500)]
    [InlineData(new long[] { 5100, 4900 }, 0.045500263896)]
    [InlineData(new long[] { 3400, 3300, 3300 }, 0.367879441171)]
    public void The_sample_ratio_check_matches_the_chi_square_reference(long[] observed, double pValue) =>
        Assert.Equal(pValue, Statistics.SampleRatioPValue(observed, observed.Select(_ => 1.0).ToArray()), 9);

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.157299207050)]
    [InlineData(-1.0, 1.842700792950)]
    [InlineData(3.0, 0.000022090497)]
    public void Erfc_matches_known_values(double x, double expected) => Assert.Equal(expected, Statistics.Erfc(x), 11);
}
