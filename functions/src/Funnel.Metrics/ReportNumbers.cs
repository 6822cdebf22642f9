using Funnel.Events.Days;

namespace Funnel.Metrics;

/// <summary>How every report block writes its numbers and days: the conventions of the report contract.</summary>
public static class ReportNumbers
{
    /// <summary>A share rounded to 6 places; a rate over nobody is 0.</summary>
    public static double Rate(long count, long of) => of == 0 ? 0 : Math.Round((double)count / of, 6, MidpointRounding.AwayFromZero);

    /// <summary>A finite value rounded to 6 places, else null (JSON has no NaN).</summary>
    public static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6, MidpointRounding.AwayFromZero) : null;

    /// <summary>Money per person, to the cent; nothing per nobody is 0.</summary>
    public static decimal PerPerson(decimal amount, long persons) => persons == 0 ? 0 : Math.Round(amount / persons, 2, MidpointRounding.AwayFromZero);

    /// <summary>Money amounts are kept as integers of ten-thousandths of the currency unit.</summary>
    public const decimal MoneyUnit = 10_000m;

    /// <summary>A day number as <c>yyyy-MM-dd</c>.</summary>
    public static string Day(int dayNumber) => ReportingDay.Format(DateOnly.FromDayNumber(dayNumber));

    /// <summary>Exact nearest-rank percentiles: the smallest value with at least p of the values at or below it.</summary>
    public static ConversionTime? Percentiles(IReadOnlyCollection<double>? seconds)
    {
        if (seconds is not { Count: > 0 })
        {
            return null;
        }
        var sorted = seconds.Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new ConversionTime(At(0.25), At(0.50), At(0.75), At(0.90));
    }
}
