using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Metrics;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>The fold's cached day lookup agrees with the zone's own conversion around midnights and DST transitions.</summary>
public class ZoneDayLookupTests
{
    [Theory]
    [InlineData("America/New_York", "2026-03-08T06:00:00Z")]
    [InlineData("America/New_York", "2026-11-01T05:00:00Z")]
    [InlineData("Europe/Berlin", "2026-03-29T00:00:00Z")]
    [InlineData("Europe/Berlin", "2026-10-25T00:00:00Z")]
    [InlineData("Asia/Shanghai", "2026-11-23T15:00:00Z")]
    [InlineData("Australia/Lord_Howe", "2026-04-05T14:00:00Z")]
    [InlineData("Asia/Kathmandu", "2026-06-30T18:00:00Z")]
    public void Every_minute_around_a_transition_or_midnight_lands_on_the_zones_own_day(string zone, string around)
    {
        var fold = new EventFold(MetricDefinitions.Default, new ReportingClock(zone));
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var center = DateTimeOffset.Parse(around, System.Globalization.CultureInfo.InvariantCulture);
        for (var minute = -36 * 60; minute <= 36 * 60; minute++)
        {
            var instant = center.AddMinutes(minute).AddSeconds(59.999);
            var expected = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, tz).DateTime).DayNumber;
            Assert.Equal(expected, fold.DayOf(instant.ToUnixTimeMilliseconds()));
        }
    }

    [Fact]
    public void An_event_a_millisecond_before_local_midnight_counts_on_the_earlier_day()
    {
        var fold = new EventFold(MetricDefinitions.Default, new ReportingClock("Asia/Shanghai"));
        var midnight = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        Assert.Equal(new DateOnly(2026, 11, 23).DayNumber, fold.DayOf(midnight - 1));
        Assert.Equal(new DateOnly(2026, 11, 24).DayNumber, fold.DayOf(midnight));
    }
}
