namespace Funnel.Oracle;

/// <summary>
/// The statistics behind experiment results, written from textbook formulas: the normal tail from the
/// all-positive erf series (small arguments) or Laplace's continued fraction (large ones), the
/// chi-square tail in closed form for whole degrees of freedom, and z₀.₉₇₅ by bisection.
/// </summary>
public static class OracleStatistics
{
    private static readonly double SqrtPi = Math.Sqrt(Math.PI);

    /// <summary>z with Φ(z) = 0.975, found by bisection on <see cref="NormalCdf"/>.</summary>
    public static readonly double Z975 = Bisect(p => NormalCdf(p) - 0.975, 0, 5);

    /// <summary>erfc(x) for x ≥ 0.</summary>
    public static double Erfc(double x)
    {
        if (x < 0)
        {
            return 2 - Erfc(-x);
        }
        if (x < 3)
        {
            // erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (2n+1)!!, every term positive.
            double term = x, sum = x;
            for (var n = 1; n < 500 && term > sum * 1e-18; n++)
            {
                term *= 2 * x * x / (2 * n + 1);
                sum += term;
            }
            return 1 - 2 / SqrtPi * Math.Exp(-x * x) * sum;
        }
        // erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), evaluated from the tail.
        var tail = x;
        for (var k = 300; k >= 1; k--)
        {
            tail = x + k / 2.0 / tail;
        }
        return Math.Exp(-x * x) / SqrtPi / tail;
    }

    public static double NormalCdf(double z) => Erfc(-z / Math.Sqrt(2)) / 2;

    /// <summary>Two-sided p-value of a standard normal statistic.</summary>
    public static double TwoSidedP(double z) => Erfc(Math.Abs(z) / Math.Sqrt(2));

    /// <summary>P(χ²(ν) ≥ s) for a whole number of degrees of freedom ν ≥ 1, in closed form.</summary>
    public static double ChiSquareTail(double s, int degrees)
    {
        if (s <= 0)
        {
            return 1;
        }
        var half = s / 2;
        if (degrees % 2 == 0)
        {
            // e^(−s/2) Σ_{i < ν/2} (s/2)^i / i!
            double term = 1, sum = 1;
            for (var i = 1; i < degrees / 2; i++)
            {
                term *= half / i;
                sum += term;
            }
            return Math.Exp(-half) * sum;
        }
        // 2(1 − Φ(√s)) + 2φ(√s) Σ_{r=1}^{(ν−1)/2} s^((2r−1)/2) / (1·3·…·(2r−1))
        var root = Math.Sqrt(s);
        var density = Math.Exp(-half) / Math.Sqrt(2 * Math.PI);
        double odd = root, series = 0;
        for (var r = 1; r <= (degrees - 1) / 2; r++)
        {
            if (r > 1)
            {
                odd *= s / (2 * r - 1);
            }
            series += odd;
        }
        return Erfc(root / Math.Sqrt(2)) + 2 * density * series;
    }

    /// <summary>Pearson's chi-square p-value of observed counts against an even split; NaN for fewer than two groups or no observations.</summary>
    public static double EvenSplitP(IReadOnlyList<long> observed)
    {
        var total = observed.Sum();
        if (observed.Count < 2 || total == 0)
        {
            return double.NaN;
        }
        var expected = (double)total / observed.Count;
        var statistic = observed.Sum(o => (o - expected) * (o - expected) / expected);
        return ChiSquareTail(statistic, observed.Count - 1);
    }

    /// <summary>
    /// Pearson's chi-square p-value of observed counts against intended weights (any positive numbers, in proportion);
    /// 0 when a group was observed that was meant to get nothing, NaN for fewer than two weighted groups or no observations.
    /// </summary>
    public static double SplitP(IReadOnlyList<(long Observed, double Weight)> groups)
    {
        if (groups.Any(g => g.Weight == 0 && g.Observed > 0))
        {
            return 0;
        }
        var weighted = groups.Where(g => g.Weight > 0).ToList();
        var total = weighted.Sum(g => g.Observed);
        if (weighted.Count < 2 || total == 0)
        {
            return double.NaN;
        }
        var weightTotal = weighted.Sum(g => g.Weight);
        var statistic = 0.0;
        foreach (var (observed, weight) in weighted)
        {
            var expected = total * (weight / weightTotal);
            statistic += (observed - expected) * (observed - expected) / expected;
        }
        return ChiSquareTail(statistic, weighted.Count - 1);
    }

    /// <summary>Variant (x of n) against control (x0 of n0): pooled two-sided z-test p-value and the unpooled 95% interval of the difference.</summary>
    public static (double P, double Low, double High) AgainstControl(long x0, long n0, long x, long n)
    {
        double p0 = (double)x0 / n0, p = (double)x / n;
        var pooled = (double)(x0 + x) / (n0 + n);
        var pooledError = Math.Sqrt(pooled * (1 - pooled) * (1.0 / n0 + 1.0 / n));
        var pValue = pooledError > 0 ? TwoSidedP((p - p0) / pooledError) : p == p0 ? 1 : 0;
        var error = Math.Sqrt(p0 * (1 - p0) / n0 + p * (1 - p) / n);
        return (pValue, p - p0 - Z975 * error, p - p0 + Z975 * error);
    }

    private static double Bisect(Func<double, double> f, double low, double high)
    {
        for (var i = 0; i < 200 && low < high; i++)
        {
            var mid = (low + high) / 2;
            if (mid <= low || mid >= high)
            {
                break;
            }
            if (f(mid) < 0)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return (low + high) / 2;
    }
}
