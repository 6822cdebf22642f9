using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;
using Funnel.Domain.Processing;
using Moq;

namespace Funnel.Domain.Tests.Processing;

public class PersonResolverTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly Mock<IIdentityLinks> _links = new();
    private readonly List<IdentityLink> _added = [];

    public PersonResolverTests()
    {
        Stored();
    }

    /// <summary>The store holds <paramref name="links"/>: adding a link of a device already linked returns the stored one, as the table does.</summary>
    private void Stored(params IdentityLink[] links)
    {
        _links.Setup(l => l.FindAsync(It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<string> ids, CancellationToken _) => links.Where(l => ids.Contains(l.AnonymousId)).ToDictionary(l => l.AnonymousId));
        _links.Setup(l => l.AddAsync(It.IsAny<IReadOnlyCollection<IdentityLink>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<IdentityLink> added, CancellationToken _) =>
            {
                var first = links.Where(l => added.Any(a => a.AnonymousId == l.AnonymousId)).ToDictionary(l => l.AnonymousId);
                _added.AddRange(added.Where(a => !first.ContainsKey(a.AnonymousId)));
                return first;
            });
    }

    private static RawEventBatch Batch(params string[] events) =>
        new("b", ReceivedAt, events.Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e)).ToList());

    [Fact]
    public async Task Anonymous_events_of_a_device_identified_in_the_same_batch_belong_to_the_user_and_the_link_is_stored()
    {
        var persons = await new PersonResolver(_links.Object).ResolveAsync(Batch(
            """{"type":"page","anonymousId":"a1"}""",
            """{"type":"identify","anonymousId":"a1","userId":"u1"}""",
            """{"type":"track","event":"E","anonymousId":"a2"}"""), CancellationToken.None);
        Assert.Equal(["u1", "u1", "a2"], persons.Select(p => p.Key));
        Assert.Equal(new IdentityLink("a1", "u1", ReceivedAt), Assert.Single(_added));
    }

    [Fact]
    public async Task A_device_linked_by_an_earlier_batch_belongs_to_its_user_and_the_first_link_wins()
    {
        Stored(new IdentityLink("a1", "u1", ReceivedAt.AddHours(-1)));
        var persons = await new PersonResolver(_links.Object).ResolveAsync(Batch(
            """{"type":"page","anonymousId":"a1"}""",
            """{"type":"identify","anonymousId":"a1","userId":"u9"}"""), CancellationToken.None);
        Assert.Equal(["u1", "u9"], persons.Select(p => p.Key));
        Assert.Empty(_added);
    }

    [Fact]
    public async Task A_link_received_after_the_batch_does_not_reroute_it_so_a_redelivery_goes_where_the_first_delivery_went()
    {
        Stored(new IdentityLink("a1", "u1", ReceivedAt.AddMinutes(5)));
        var persons = await new PersonResolver(_links.Object).ResolveAsync(Batch("""{"type":"page","anonymousId":"a1"}"""), CancellationToken.None);
        Assert.Equal(["a1"], persons.Select(p => p.Key));
    }

    [Fact]
    public void The_person_key_is_added_to_an_event_and_read_back()
    {
        var line = PersonResolver.WithPersonKey(Encoding.UTF8.GetBytes("""{"type":"page","anonymousId":"a1","messageId":"m","timestamp":"2026-11-24T10:00:00Z","receivedAt":"2026-11-24T10:00:01Z"}"""), "u\"1");
        Assert.Equal("u\"1", JsonDocument.Parse(line).RootElement.GetProperty("personKey").GetString());
        Assert.True(ProductEventReader.TryParse(line.Span, out var e, out _));
        Assert.Equal("u\"1", e.PersonKey);
    }

    [Fact]
    public void An_empty_event_still_gets_a_valid_person_key()
    {
        var line = PersonResolver.WithPersonKey(Encoding.UTF8.GetBytes("{ }"), "u1");
        Assert.Equal("u1", JsonDocument.Parse(line).RootElement.GetProperty("personKey").GetString());
    }
}
