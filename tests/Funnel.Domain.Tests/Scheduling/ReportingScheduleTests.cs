using Funnel.Engine.Processing;
using Funnel.Engine.Scheduling;

namespace Funnel.Domain.Tests.Scheduling;

/// <summary>Which days the hourly scheduler starts, with a fake clock, around midnights, DST changes and outages.</summary>
public class ReportingScheduleTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    private static ReportingSchedule In(string zone) => new(new ReportingClock(zone), Grace);

    private static DateOnly D(string day) => DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first top of the hour (UTC, as the timer fires) at which <paramref name="day"/> is due.</summary>
    private static DateTimeOffset FirstHourDue(ReportingSchedule schedule, DateOnly day, DateTimeOffset from)
    {
        for (var tick = from; tick < from.AddDays(3); tick = tick.AddHours(1))
        {
            if (schedule.DueDays(tick, day, _ => false).Contains(day))
            {
                return tick;
            }
        }
        throw new InvalidOperationException("never due");
    }

    [Theory]
    [InlineData("Asia/Shanghai", "2026-11-24", "2026-11-24T17:00:00Z")]   // closes 16:00Z, due 16:15Z, next tick 17:00Z
    [InlineData("UTC", "2026-11-24", "2026-11-25T01:00:00Z")]             // closes 00:00Z, due 00:15Z
    [InlineData("Asia/Kolkata", "2026-11-24", "2026-11-24T19:00:00Z")]    // +05:30: closes 18:30Z, due 18:45Z
    [InlineData("America/New_York", "2026-03-08", "2026-03-09T05:00:00Z")] // 23-hour day: closes 04:00Z (EDT), due 04:15Z
    [InlineData("America/New_York", "2026-11-01", "2026-11-02T06:00:00Z")] // 25-hour day: closes 05:00Z (EST), due 05:15Z
    [InlineData("America/New_York", "2026-10-31", "2026-11-01T05:00:00Z")] // the day before: closes 04:00Z (EDT)
    public void A_day_starts_at_the_first_hourly_tick_after_its_midnight_plus_the_grace_period(string zone, string day, string expected)
    {
        var schedule = In(zone);
        Assert.Equal(Utc(expected), FirstHourDue(schedule, D(day), Utc(day + "T00:00:00Z").AddHours(-14)));
    }

    [Fact]
    public void Nothing_is_due_before_the_grace_period_ends()
    {
        var schedule = In("Asia/Shanghai");
        // 2026-11-24 ends at 2026-11-24T16:00Z.
        Assert.DoesNotContain(D("2026-11-24"), schedule.DueDays(Utc("2026-11-24T16:14:59Z"), D("2026-11-20"), _ => false));
        Assert.Contains(D("2026-11-24"), schedule.DueDays(Utc("2026-11-24T16:15:00Z"), D("2026-11-20"), _ => false));
        Assert.Equal(D("2026-11-23"), schedule.LastClosedDay(Utc("2026-11-24T16:14:59Z")));
    }

    [Fact]
    public void A_three_day_outage_is_caught_up_oldest_first_and_reported_days_are_skipped()
    {
        var schedule = In("UTC");
        var reported = new HashSet<DateOnly> { D("2026-11-20"), D("2026-11-21") };
        // Down from 2026-11-22 00:30Z until 2026-11-25 09:00Z: three days closed meanwhile.
        var due = schedule.DueDays(Utc("2026-11-25T09:00:00Z"), D("2026-11-20"), reported.Contains);
        Assert.Equal([D("2026-11-22"), D("2026-11-23"), D("2026-11-24")], due);
    }

    [Fact]
    public void Nothing_is_due_without_raw_data_or_before_the_first_raw_day()
    {
        var schedule = In("UTC");
        Assert.Empty(schedule.DueDays(Utc("2026-11-25T09:00:00Z"), null, _ => false));
        Assert.Equal([D("2026-11-24")], schedule.DueDays(Utc("2026-11-25T09:00:00Z"), D("2026-11-24"), _ => false));
        Assert.Empty(schedule.DueDays(Utc("2026-11-25T09:00:00Z"), D("2026-11-25"), _ => false));
    }
}
