using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;
using Funnel.Domain.Identity;

namespace Funnel.Domain.Tests.Identity;

public class DeviceLinksTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A stored event line as ProcessEvents writes it, received <paramref name="minutes"/> after <see cref="At"/>.</summary>
    private static ReadOnlyMemory<byte> Line(string ids, int minutes, string id = "m", string type = "page") => Encoding.UTF8.GetBytes(
        $$"""{"type":"{{type}}",{{ids}},"messageId":"{{id}}","timestamp":"{{At.AddMinutes(minutes):yyyy-MM-ddTHH:mm:ss.fffZ}}","receivedAt":"{{At.AddMinutes(minutes):yyyy-MM-ddTHH:mm:ss.fffZ}}"}""");

    private static string? PersonOf(ReadOnlyMemory<byte> line) => PersonKey.Read(line.Span).Person;

    [Fact]
    public void Each_device_keeps_the_link_received_first_and_on_the_same_instant_the_smaller_user()
    {
        var links = DeviceLinks.Carried([
            Line("\"anonymousId\":\"a1\",\"userId\":\"u2\"", 5, type: "identify"),
            Line("\"anonymousId\":\"a1\",\"userId\":\"u1\"", 7, type: "identify"),
            Line("\"anonymousId\":\"a2\",\"userId\":\"u9\"", 3, type: "alias"),
            Line("\"anonymousId\":\"a2\",\"userId\":\"u3\"", 3, type: "identify"),
            Line("\"anonymousId\":\"a3\"", 1),
            Line("\"userId\":\"u4\"", 1),
        ]).ToDictionary(l => l.AnonymousId);

        Assert.Equal(2, links.Count);
        Assert.Equal(new IdentityLink("a1", "u2", At.AddMinutes(5)), links["a1"]);
        Assert.Equal(new IdentityLink("a2", "u3", At.AddMinutes(3)), links["a2"]);
    }

    [Fact]
    public void Only_devices_seen_without_a_user_or_person_are_looked_up()
    {
        var devices = DeviceLinks.AnonymousDevices([
            Line("\"anonymousId\":\"a1\"", 1),
            Line("\"anonymousId\":\"a2\",\"userId\":\"u2\"", 1),
            DeviceLinks.WithPersonKey(Line("\"anonymousId\":\"a3\"", 1), "u3"),
            Line("\"anonymousId\":\"a1\"", 2),
            Line("\"anonymousId\":\"  \"", 2),
        ]);
        Assert.Equal(["a1"], devices);
    }

    [Fact]
    public void Events_received_from_the_link_on_move_to_the_user_and_earlier_ones_stay_with_the_device()
    {
        var link = new IdentityLink("a1", "u1", At.AddMinutes(10));
        var lines = new[]
        {
            Line("\"anonymousId\":\"a1\"", 9, "before"),
            Line("\"anonymousId\":\"a1\"", 10, "same-instant"),
            Line("\"anonymousId\":\"a1\"", 11, "after"),
            Line("\"anonymousId\":\"a2\"", 11, "other-device"),
            Line("\"anonymousId\":\"a1\",\"userId\":\"u7\"", 12, "own-user", "identify"),
        };
        var moves = DeviceLinks.Route(lines, new Dictionary<string, IdentityLink> { ["a1"] = link });

        Assert.Equal(["same-instant", "after"], moves.Moved.Select(m => JsonDocument.Parse(m).RootElement.GetProperty("messageId").GetString()));
        Assert.All(moves.Moved, m => Assert.Equal("u1", PersonOf(m)));
        Assert.Equal(link, Assert.Single(moves.Links).Value);

        // The shard's own fold leaves out exactly the moved events.
        var read = lines.Select(l => ProductEventReader.TryParse(l.Span, out var e, out _) ? e : throw new InvalidOperationException()).ToList();
        Assert.Equal(["same-instant", "after"], read.Where(moves.MovedAway).Select(e => e.MessageId));
    }

    [Fact]
    public void A_user_id_equal_to_a_linked_device_id_is_not_taken_for_the_device()
    {
        var moves = new DeviceMoves(new Dictionary<string, IdentityLink> { ["x"] = new("x", "u1", At) }, []);
        Assert.True(ProductEventReader.TryParse(Line("\"userId\":\"x\"", 5).Span, out var e, out _));
        Assert.False(moves.MovedAway(e));
    }

    [Fact]
    public void Moves_survive_their_file_and_a_damaged_file_is_named()
    {
        var moves = DeviceLinks.Route([Line("\"anonymousId\":\"a\\\"1\"", 3, "m1")], new Dictionary<string, IdentityLink> { ["a\"1"] = new("a\"1", "u,1", At) });
        var back = DeviceMoves.FromGzip(moves.ToGzip(), "partials/x");

        Assert.Equal(moves.Links, back.Links);
        Assert.Equal(moves.Moved.Select(m => Encoding.UTF8.GetString(m.Span)), back.Moved.Select(m => Encoding.UTF8.GetString(m.Span)));
        var ex = Assert.Throws<FormatException>(() => DeviceMoves.FromGzip(Encoding.UTF8.GetBytes("not gzip"), "partials/2026-11-24/moves-03.ndjson.gz"));
        Assert.Contains("partials/2026-11-24/moves-03.ndjson.gz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_person_key_is_added_to_an_event_and_read_back()
    {
        var line = DeviceLinks.WithPersonKey(Line("\"anonymousId\":\"a1\"", 1), "u\"1");
        Assert.Equal("u\"1", JsonDocument.Parse(line).RootElement.GetProperty("personKey").GetString());
        Assert.True(ProductEventReader.TryParse(line.Span, out var e, out _));
        Assert.Equal("u\"1", e.PersonKey);
        Assert.False(e.AnonymousOnly);
    }

    [Fact]
    public void An_empty_event_still_gets_a_valid_person_key()
    {
        var line = DeviceLinks.WithPersonKey(Encoding.UTF8.GetBytes("{ }"), "u1");
        Assert.Equal("u1", JsonDocument.Parse(line).RootElement.GetProperty("personKey").GetString());
    }
}
