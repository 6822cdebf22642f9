namespace Funnel.Metrics;

/// <summary>The tests behind experiment results: two-proportion z-test, its confidence interval, and the chi-square sample-ratio check.</summary>
public static class Statistics
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// Treatment (x2 of n2) against control (x1 of n1): two-sided p-value of the pooled z-test, and the
    /// 95% confidence interval of the difference p2 − p1 from the unpooled standard error.
    /// </summary>
    public static (double PValue, double Low, double High) TwoProportionTest(long x1, long n1, long x2, long n2)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }
        double p1 = (double)x1 / n1, p2 = (double)x2 / n2, pooled = (double)(x1 + x2) / (n1 + n2);
        var pooledSe = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        var pValue = pooledSe == 0 ? (p1 == p2 ? 1 : 0) : Erfc(Math.Abs(p2 - p1) / pooledSe / Math.Sqrt(2));
        var se = Math.Sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        return (pValue, p2 - p1 - Z95 * se, p2 - p1 + Z95 * se);
    }

    /// <summary>p-value of Pearson's chi-square test of observed counts against expected shares (sample-ratio mismatch).</summary>
    public static double SampleRatioPValue(IReadOnlyList<long> observed, IReadOnlyList<double> expectedShares)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(expectedShares);
        var total = observed.Sum();
        var shareSum = expectedShares.Sum();
        if (observed.Count < 2 || total == 0 || shareSum <= 0)
        {
            return double.NaN;
        }
        var statistic = observed.Select((o, i) => (o - total * expectedShares[i] / shareSum) * (o - total * expectedShares[i] / shareSum) / (total * expectedShares[i] / shareSum)).Sum();
        return UpperRegularizedGamma((observed.Count - 1) / 2.0, statistic / 2);
    }

    /// <summary>Complementary error function, via erfc(x) = Q(1/2, x²).</summary>
    public static double Erfc(double x) => x >= 0 ? UpperRegularizedGamma(0.5, x * x) : 2 - UpperRegularizedGamma(0.5, x * x);

    /// <summary>Q(a, x) = Γ(a, x) / Γ(a): a series below a + 1, a continued fraction above (Numerical Recipes' split).</summary>
    public static double UpperRegularizedGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }
        var logPrefix = -x + a * Math.Log(x) - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum;
            for (var n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= x / (a + n);
                sum += term;
            }
            return 1 - sum * Math.Exp(logPrefix);
        }
        const double tiny = 1e-300;
        double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + an / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return Math.Exp(logPrefix) * h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7).</summary>
    public static double LogGamma(double x)
    {
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        x -= 1;
        var sum = c[0];
        for (var i = 1; i < c.Length; i++)
        {
            sum += c[i] / (x + i);
        }
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
