namespace Funnel.Oracle;

/// <summary>Rounding and percentiles as the contract states them, computed independently of the engine.</summary>
public static class Figures
{
    /// <summary>A share rounded to 6 places (half away from zero), worked out in decimal; 0 over nobody.</summary>
    public static double Share(long count, long of) =>
        of == 0 ? 0 : (double)Math.Round((decimal)count / of, ReportWindows.RateDecimals, MidpointRounding.AwayFromZero);

    public static double Round6(double value) => Math.Round(value, ReportWindows.RateDecimals, MidpointRounding.AwayFromZero);

    public static decimal Money(decimal value) => Math.Round(value, ReportWindows.MoneyDecimals, MidpointRounding.AwayFromZero);

    /// <summary>Exact nearest rank: the smallest value with at least <paramref name="percent"/>% of the values at or below it (integer arithmetic).</summary>
    public static double NearestRank(IReadOnlyList<double> values, int percent)
    {
        var sorted = values.OrderBy(v => v).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            if ((i + 1) * 100L >= (long)percent * sorted.Count)
            {
                return sorted[i];
            }
        }
        throw new ArgumentException("no values", nameof(values));
    }
}
