using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Funnel.Events.Ingest;

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

    [Theory]
    [InlineData("2026-11-24T08:30:00.000Z")]
    [InlineData("0001-01-01T00:00:00.000Z")]
    [InlineData("9999-12-31T23:59:59.999Z")]
    [InlineData("2026-03-29T01:59:59.9999999+08:00")]
    [InlineData("2024-02-29T12:05:07.0405-05:30")]
    public void An_instant_is_written_as_its_formatted_text(string text)
    {
        var instant = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            Iso8601.Write(writer, JsonEncodedText.Encode("at"), instant);
            writer.WriteEndObject();
        }
        Assert.Equal($"{{\"at\":\"{Iso8601.Format(instant)}\"}}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
