using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;
using Funnel.Domain.Privacy;
using Funnel.Domain.Processing;
using Moq;

namespace Funnel.Domain.Tests.Processing;

public class EventBatchProcessorTests
{
    private readonly Mock<IRawEventStore> _raw = new();
    private readonly List<(RawBlobName Name, byte[] Bytes)> _written = [];
    private readonly Mock<IIdentityLinks> _links = new();
    private readonly List<ErasureRequest> _erasures = [];

    public EventBatchProcessorTests() =>
        _raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback((RawBlobName name, ReadOnlyMemory<byte> bytes, CancellationToken _) => { lock (_written) { _written.Add((name, bytes.ToArray())); } })
            .Returns(Task.CompletedTask);

    private EventBatchProcessor Processor(ShardRouter router, string zone = "UTC")
    {
        _links.Setup(l => l.FindAsync(It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(new Dictionary<string, IdentityLink>());
        var log = new Mock<IErasureLog>();
        log.Setup(l => l.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => _erasures.ToList());
        return new EventBatchProcessor(_raw.Object, _links.Object, router, new ReportingClock(zone), new ErasedPersonsCache(log.Object, TimeProvider.System));
    }

    private static RawEventBatch Batch(DateTimeOffset receivedAt, params string[] persons) => new(
        "batch1", receivedAt,
        persons.Select((p, i) => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"messageId\":\"m{i}\",\"{(p.StartsWith("anon", StringComparison.Ordinal) ? "anonymousId" : "userId")}\":\"{p}\",\"event\":\"A\"}}")).ToList());

    private static List<string> Lines(byte[] gzip)
    {
        using var reader = new StreamReader(new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress));
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [Fact]
    public async Task Each_person_lands_in_their_shard_once_under_the_processing_day()
    {
        var router = new ShardRouter(16);
        var persons = Enumerable.Range(0, 50).Select(i => $"user-{i}").Append("anon-7").ToArray();
        var processor = Processor(router);

        var written = await processor.ProcessAsync(Batch(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), persons), CancellationToken.None);

        Assert.Equal(persons.Length, written);
        var lines = _written.SelectMany(w => Lines(w.Bytes).Select(l => (w.Name, Event: JsonDocument.Parse(l).RootElement))).ToList();
        Assert.Equal(persons.Length, lines.Count);
        Assert.All(lines, l => Assert.Equal(router.ShardOf(PersonKey.Of(l.Event)!), l.Name.Shard));
        Assert.All(lines, l => Assert.Equal(new DateOnly(2026, 11, 24), l.Name.Day));
        Assert.Equal(_written.Count, _written.Select(w => w.Name.Shard).Distinct().Count());
    }

    [Theory]
    [InlineData("UTC", 23)]
    [InlineData("Asia/Shanghai", 24)]
    [InlineData("America/Los_Angeles", 23)]
    public async Task The_processing_day_is_the_receive_day_in_the_reporting_zone(string zone, int day)
    {
        var processor = Processor(new ShardRouter(4), zone);
        await processor.ProcessAsync(Batch(new DateTimeOffset(2026, 11, 23, 16, 30, 0, TimeSpan.Zero), "u1"), CancellationToken.None);
        Assert.Equal(new DateOnly(2026, 11, day), Assert.Single(_written).Name.Day);
    }

    [Fact]
    public async Task A_redelivered_batch_writes_the_same_blobs_with_the_same_bytes()
    {
        var processor = Processor(new ShardRouter(16));
        var batch = Batch(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), "u1", "u2", "u3", "u4");
        await processor.ProcessAsync(batch, CancellationToken.None);
        var first = _written.OrderBy(w => w.Name.Path).ToList();
        _written.Clear();
        await processor.ProcessAsync(batch, CancellationToken.None);
        var second = _written.OrderBy(w => w.Name.Path).ToList();
        Assert.Equal(first.Select(w => w.Name), second.Select(w => w.Name));
        Assert.Equal(first.Select(w => Convert.ToBase64String(w.Bytes)), second.Select(w => Convert.ToBase64String(w.Bytes)));
    }

    [Fact]
    public async Task An_event_without_a_person_fails_the_message_instead_of_being_dropped()
    {
        var processor = Processor(new ShardRouter(4));
        var batch = new RawEventBatch("b", DateTimeOffset.UtcNow, [Encoding.UTF8.GetBytes("{\"type\":\"track\"}")]);
        await Assert.ThrowsAsync<FormatException>(() => processor.ProcessAsync(batch, CancellationToken.None));
        Assert.Empty(_written);
    }

    [Fact]
    public void An_unknown_reporting_zone_is_refused_by_name() =>
        Assert.Contains("Mars/Olympus", Assert.Throws<ArgumentException>(() => new ReportingClock("Mars/Olympus")).Message, StringComparison.Ordinal);

    [Fact]
    public async Task An_erased_persons_events_still_queued_are_left_out_and_everyone_elses_are_written()
    {
        _erasures.Add(new ErasureRequest("e1", "userId", [PersonDigest.Of("u2")], [0], DateTimeOffset.UnixEpoch, ErasureStatus.Pending, ErasureCounts.Zero));
        var processor = Processor(new ShardRouter(1));

        var stored = await processor.ProcessAsync(Batch(DateTimeOffset.Parse("2026-11-24T10:00:00Z", CultureInfo.InvariantCulture), "u1", "u2", "anon-3"), CancellationToken.None);

        Assert.Equal(2, stored);
        var lines = _written.SelectMany(w => Lines(w.Bytes)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.DoesNotContain(lines, l => l.Contains("u2", StringComparison.Ordinal));
    }
}
