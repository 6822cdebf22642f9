using System.Globalization;
using Funnel.Events.Days;

namespace Funnel.Domain.Tests.Events;

public class ReportingDayTests
{
    [Theory]
    [InlineData(2026, 2, 1, "2026-02-01")]
    [InlineData(2026, 11, 24, "2026-11-24")]
    [InlineData(1, 1, 1, "0001-01-01")]
    [InlineData(9999, 12, 31, "9999-12-31")]
    public void Format_writes_year_month_and_day_with_leading_zeros(int year, int month, int day, string text) =>
        Assert.Equal(text, ReportingDay.Format(new DateOnly(year, month, day)));

    [Fact]
    public void Format_writes_the_gregorian_day_whatever_the_current_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("th-TH");
            Assert.Equal("2026-02-01", ReportingDay.Format(new DateOnly(2026, 2, 1)));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void Every_formatted_day_parses_back_to_itself()
    {
        for (var day = new DateOnly(2023, 12, 25); day <= new DateOnly(2025, 1, 5); day = day.AddDays(1))
        {
            Assert.True(ReportingDay.TryParse(ReportingDay.Format(day), out var parsed));
            Assert.Equal(day, parsed);
        }
    }

    [Fact]
    public void A_leap_day_parses_in_a_leap_year_only()
    {
        Assert.True(ReportingDay.TryParse("2024-02-29", out var day));
        Assert.Equal(new DateOnly(2024, 2, 29), day);
        Assert.False(ReportingDay.TryParse("2026-02-29", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2026-2-1")]
    [InlineData("2026-02-1")]
    [InlineData("26-02-01")]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData(" 2026-02-01")]
    [InlineData("2026-02-01 ")]
    [InlineData("2026-02-01T00:00")]
    [InlineData("2026-02-01Z")]
    [InlineData("2026/02/01")]
    [InlineData("01-02-2026")]
    [InlineData("20260201")]
    [InlineData("２０２６-02-01")]
    public void Anything_but_yyyy_MM_dd_is_refused(string? text)
    {
        Assert.False(ReportingDay.TryParse(text, out var day));
        Assert.Equal(default, day);
        Assert.Throws<FormatException>(() => ReportingDay.Parse(text));
    }

    [Fact]
    public void Parse_reads_a_day_and_names_the_text_it_refuses()
    {
        Assert.Equal(new DateOnly(2026, 2, 1), ReportingDay.Parse("2026-02-01"));
        var refused = Assert.Throws<FormatException>(() => ReportingDay.Parse("2026-2-1"));
        Assert.Equal("'2026-2-1' is not a day in the form yyyy-MM-dd", refused.Message);
    }
}
