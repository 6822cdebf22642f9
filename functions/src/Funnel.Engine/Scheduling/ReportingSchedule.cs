using Funnel.Engine.Processing;

namespace Funnel.Engine.Scheduling;

/// <summary>
/// Which reporting days are due for their daily run: every day from the first raw day on that has
/// closed in the reporting zone at least <see cref="Grace"/> ago (for messages still in flight) and
/// has no final report yet, oldest first.
/// </summary>
public sealed class ReportingSchedule(ReportingClock clock, TimeSpan grace)
{
    /// <summary>Default wait after a day's midnight before it is aggregated.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(15);

    public TimeSpan Grace => grace;

    /// <summary>The newest day whose end, plus the grace period, is at or before <paramref name="now"/>.</summary>
    public DateOnly LastClosedDay(DateTimeOffset now) => clock.DayOf(now - grace).AddDays(-1);

    public IReadOnlyList<DateOnly> DueDays(DateTimeOffset now, DateOnly? firstRawDay, Func<DateOnly, bool> hasFinalReport)
    {
        ArgumentNullException.ThrowIfNull(hasFinalReport);
        if (firstRawDay is not { } first)
        {
            return [];
        }
        var due = new List<DateOnly>();
        for (var day = first; day <= LastClosedDay(now); day = day.AddDays(1))
        {
            if (!hasFinalReport(day))
            {
                due.Add(day);
            }
        }
        return due;
    }
}
