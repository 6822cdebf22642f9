using System.IO.Compression;
using System.Text;
using Funnel.Events;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Events;

public class ProductEventReaderTests
{
    private static MemoryStream Gzip(string text)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        output.Position = 0;
        return output;
    }

    [Fact]
    public void Generated_events_survive_the_trip_through_raw_ndjson()
    {
        var simulated = new JourneySimulator(new Funnel.Simulation.SimulationSettings { Days = 3, SignupsPerDay = 20 }).Deliveries().Values.SelectMany(e => e).ToList();
        // Devices of humans who sign up later, and calls naming both ids (the links).
        Assert.Contains(simulated, e => e.UserId is null && e.Human != e.AnonymousId);
        Assert.Contains(simulated, e => e.UserId is not null && e.Event.LinkedDevice == e.AnonymousId);
        var malformed = new List<MalformedLine>();
        var read = ProductEventReader.Read(Gzip(string.Join("\n", simulated.Select(e => Encoding.UTF8.GetString(StoredEvents.Line(e).Span)))), "raw/x.ndjson.gz", gzip: true, malformed);
        Assert.Empty(malformed);
        Assert.Equal(simulated.Count, read.Count);
        foreach (var (source, actual) in simulated.Zip(read))
        {
            // The simulator's events are what the engine reads from raw: own ids only, nothing linked in advance.
            Assert.Equal(source.Event with { Properties = null }, actual with { Properties = null });
        }
        Assert.Contains(read, e => e.AnonymousOnly);
    }

    [Fact]
    public void Malformed_lines_are_counted_with_file_and_line_and_the_rest_is_read()
    {
        const string good = """{"type":"track","event":"A","userId":"u1","messageId":"m1","timestamp":"2026-11-24T01:00:00.000Z","receivedAt":"2026-11-24T01:00:01.000Z"}""";
        var text = string.Join("\n", good, "{not json", """{"type":"track","messageId":"m2","timestamp":"2026-11-24T01:00:00Z","receivedAt":"2026-11-24T01:00:01Z"}""", good.Replace("m1", "m3", StringComparison.Ordinal));
        var malformed = new List<MalformedLine>();
        var read = ProductEventReader.Read(Gzip(text), "raw/2026-11-24/shard-03/b1.ndjson.gz", gzip: true, malformed);

        Assert.Equal(["m1", "m3"], read.Select(e => e.MessageId));
        Assert.Equal([2, 3], malformed.Select(m => m.Line));
        Assert.All(malformed, m => Assert.Equal("raw/2026-11-24/shard-03/b1.ndjson.gz", m.File));
        Assert.Contains("not valid JSON", malformed[0].Reason, StringComparison.Ordinal);
        Assert.Contains("person id", malformed[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_gzip_is_reported_not_thrown()
    {
        var malformed = new List<MalformedLine>();
        var read = ProductEventReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("plain text, not gzip")), "raw/bad.ndjson.gz", gzip: true, malformed);
        Assert.Empty(read);
        Assert.Contains("not valid gzip", Assert.Single(malformed).Reason, StringComparison.Ordinal);
    }
}

public class ProductEventReaderShapeTests
{
    [Fact]
    public void Fields_of_unexpected_shapes_are_passed_over_without_losing_the_rest()
    {
        const string line = """{"type":"track","event":{"odd":[1,2]},"userId":"u1","messageId":"m1","extra":[{"a":{"b":1}}],"properties":{"revenue":"12.50","nested":{"channel":"x"},"channel":"wechat","n":3,"ok":true},"context":{"os":{"name":"iOS","version":{"x":1}},"campaign":"flat","library":{"name":"lib"}},"timestamp":"2026-11-24T01:00:00Z","receivedAt":"2026-11-24T01:00:01Z"}""";
        Assert.True(ProductEventReader.TryParse(line, out var e, out var reason), reason);
        Assert.Null(e.Name);
        Assert.Equal(12.50m, e.Revenue);
        Assert.Equal("wechat", e.Channel);
        Assert.Equal("iOS", e.Platform);
        Assert.Equal(new Dictionary<string, string> { ["revenue"] = "12.50", ["channel"] = "wechat", ["n"] = "3", ["ok"] = "true" }, e.Properties);
    }

    [Theory]
    [InlineData("""{"source":"douyin","medium":"cpc","name":"feed","term":"shoes","content":{"x":1}}""", "douyin", "douyin\u001fcpc\u001ffeed")]
    [InlineData("""{"name":"spring-sale","medium":{"odd":true}}""", null, "\u001f\u001fspring-sale")]
    [InlineData("""{"medium":"cpc"}""", null, null)]
    public void A_campaign_is_read_whole_and_names_its_source_as_the_channel(string campaign, string? channel, string? key)
    {
        var line = $$"""{"type":"page","name":"Home","anonymousId":"a1","messageId":"m1","context":{"campaign":{{campaign}}},"timestamp":"2026-11-24T01:00:00Z","receivedAt":"2026-11-24T01:00:01Z"}""";
        Assert.True(ProductEventReader.TryParse(line, out var e, out var reason), reason);
        Assert.Equal("Home", e.Name);
        Assert.Equal(channel, e.Channel);
        Assert.Equal(key, e.Campaign);
    }

    [Theory]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"type":"track","userId":"u1","messageId":"m1","timestamp":"2026-11-24T01:00:00Z"}""", "receivedAt")]
    [InlineData("""{"type":"track","userId":"  ","messageId":"m1","timestamp":"2026-11-24T01:00:00Z","receivedAt":"2026-11-24T01:00:00Z"}""", "person id")]
    [InlineData("""{"type":"track","userId":"u1","messageId":"m1","timestamp":"2026-11-24T01:00""", "not valid JSON")]
    public void Unusable_lines_say_why(string line, string expected)
    {
        Assert.False(ProductEventReader.TryParse(line, out _, out var reason));
        Assert.Contains(expected, reason, StringComparison.Ordinal);
    }
}
