using Funnel.Domain.Ingest;

namespace Funnel.Domain.Tests.Ingest;

public class Iso8601Tests
{
    [Theory]
    [InlineData("2026-11-24T08:30:00Z", "2026-11-24T08:30:00.000Z")]
    [InlineData("2026-11-24T08:30:00.123+08:00", "2026-11-24T00:30:00.123Z")]
    [InlineData("2026-11-24T08:30:00", "2026-11-24T08:30:00.000Z")]
    [InlineData("2026-11-24T08:30-0500", "2026-11-24T13:30:00.000Z")]
    public void ISO_instants_parse_to_UTC(string text, string utc)
    {
        Assert.True(Iso8601.TryParse(text, out var value));
        Assert.Equal(utc, Iso8601.Format(value));
    }

    [Theory]
    [InlineData("11/24/2026")]
    [InlineData("yesterday")]
    [InlineData("2026-11-24")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("")]
    public void Other_date_texts_do_not(string text) => Assert.False(Iso8601.TryParse(text, out _));
}
