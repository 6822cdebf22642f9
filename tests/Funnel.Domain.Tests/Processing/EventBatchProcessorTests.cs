using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Privacy;
using Moq;

namespace Funnel.Domain.Tests.Processing;

public class EventBatchProcessorTests
{
    private readonly Mock<IRawEventStore> _raw = new();
    private readonly List<(RawBlobName Name, byte[] Bytes)> _written = [];
    private readonly List<ErasureRequest> _erasures = [];
    private readonly Funnel.Testing.InMemoryRawBatchClaims _claims = new();
    private readonly Dictionary<(DateOnly Day, string Reason), long> _counted = [];

    public EventBatchProcessorTests()
    {
        _raw.Setup(r => r.ExistsAsync(It.IsAny<RawBlobName>(), It.IsAny<CancellationToken>())).ReturnsAsync((RawBlobName name, CancellationToken _) => Exists(name));
        _raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback((RawBlobName name, ReadOnlyMemory<byte> bytes, CancellationToken _) => { lock (_written) { _written.Add((name, bytes.ToArray())); } })
            .Returns(Task.CompletedTask);
    }

    private bool Exists(RawBlobName name)
    {
        lock (_written)
        {
            return _written.Any(w => w.Name == name);
        }
    }

    private EventBatchProcessor Processor(ShardRouter router, string zone = "UTC")
    {
        var log = new Mock<IErasureLog>();
        log.Setup(l => l.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => _erasures.ToList());
        var counters = new Mock<Funnel.Events.Ingest.IIngestRefusalCounters>();
        counters.Setup(c => c.AddAsync(It.IsAny<DateOnly>(), It.IsAny<string>(), It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .Callback((DateOnly day, string reason, long count, CancellationToken _) => _counted[(day, reason)] = _counted.GetValueOrDefault((day, reason)) + count)
            .Returns(Task.CompletedTask);
        return new EventBatchProcessor(new RawBatchGroups(_raw.Object, _claims, counters.Object), router, new ReportingClock(zone), new ErasedPersonsCache(log.Object, TimeProvider.System));
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

    [Fact]
    public async Task A_message_id_reused_for_other_events_is_stored_once_and_counted()
    {
        var processor = Processor(new ShardRouter(4));
        var first = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
        await processor.ProcessAsync(Batch(first, "u1", "u2"), CancellationToken.None);

        // A plain retry: same events, later receivedAt/sentAt/timestamp. Neither stored again nor counted.
        var retry = new RawEventBatch("batch1", first.AddMinutes(5), Batch(first, "u1", "u2").Events
            .Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(e.Span).Replace("{", "{\"sentAt\":\"2026-11-24T03:05:00Z\",\"receivedAt\":\"2026-11-24T03:05:01Z\",\"timestamp\":\"2026-11-24T03:04:00Z\",", StringComparison.Ordinal))).ToList());
        Assert.Equal(0, await processor.ProcessAsync(retry, CancellationToken.None));
        Assert.Empty(_counted);

        // The same ids for other events (another user): the first copy stands, the two events are counted.
        Assert.Equal(0, await processor.ProcessAsync(Batch(first.AddMinutes(9), "u3", "u2"), CancellationToken.None));
        Assert.Equal(2, _counted[(new DateOnly(2026, 11, 24), Funnel.Events.Ingest.IngestRefusalReasons.ReusedMessageIds)]);
        var stored = _written.SelectMany(w => Lines(w.Bytes)).ToList();
        Assert.Equal(2, stored.Count);
        Assert.DoesNotContain(stored, l => l.Contains("u3", StringComparison.Ordinal));
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
    public async Task A_batch_processed_again_is_not_written_again()
    {
        var processor = Processor(new ShardRouter(16));
        var batch = Batch(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), "u1", "u2", "u3", "u4");
        Assert.Equal(4, await processor.ProcessAsync(batch, CancellationToken.None));
        var first = _written.Count;

        Assert.Equal(0, await processor.ProcessAsync(batch, CancellationToken.None));
        Assert.Equal(first, _written.Count);
    }

    [Fact]
    public async Task A_batch_whose_earlier_group_wrote_some_shards_before_failing_gets_only_the_other_shards()
    {
        var router = new ShardRouter(16);
        var batch = Batch(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero), Enumerable.Range(0, 40).Select(i => $"user-{i}").ToArray());
        var failAfter = 3;
        _raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Returns((RawBlobName name, ReadOnlyMemory<byte> bytes, CancellationToken _) =>
            {
                lock (_written)
                {
                    if (failAfter-- <= 0)
                    {
                        throw new IOException("storage went away");
                    }
                    _written.Add((name, bytes.ToArray()));
                }
                return Task.CompletedTask;
            });
        var processor = Processor(router);
        await Assert.ThrowsAsync<IOException>(() => processor.ProcessAsync(batch, CancellationToken.None));
        Assert.Equal(3, _written.Count);

        failAfter = int.MaxValue;
        var again = await processor.ProcessAsync(batch, CancellationToken.None);

        var ids = _written.SelectMany(w => Lines(w.Bytes)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(40, ids.Count);
        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40 - _written.Take(3).Sum(w => Lines(w.Bytes).Count), again);
    }

    [Fact]
    public async Task Batches_processed_together_share_one_blob_per_shard_and_keep_every_event_once()
    {
        var router = new ShardRouter(4);
        var release = new TaskCompletionSource();
        var calls = 0;
        _raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Returns(async (RawBlobName name, ReadOnlyMemory<byte> bytes, CancellationToken _) =>
            {
                // The first groups are held until every batch is handed in, so the rest must gather in one group.
                if (Interlocked.Increment(ref calls) <= 8)
                {
                    await release.Task;
                }
                lock (_written)
                {
                    _written.Add((name, bytes.ToArray()));
                }
            });
        var processor = Processor(router);
        var receivedAt = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
        var batches = Enumerable.Range(0, 20).Select(b => new RawEventBatch($"b{b}", receivedAt,
            Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"messageId\":\"b{b}-m{i}\",\"userId\":\"u{i}\",\"event\":\"A\"}}")).ToList())).ToList();

        var processing = batches.Select(b => processor.ProcessAsync(b, CancellationToken.None)).ToList();
        await Task.Delay(200);
        release.SetResult();
        var stored = await Task.WhenAll(processing);

        Assert.All(stored, n => Assert.Equal(10, n));
        var lines = _written.SelectMany(w => Lines(w.Bytes).Select(l => (w.Name, Event: JsonDocument.Parse(l).RootElement))).ToList();
        Assert.Equal(200, lines.Select(l => l.Event.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.Equal(200, lines.Count);
        Assert.All(lines, l => Assert.Equal(router.ShardOf(PersonKey.Of(l.Event)!), l.Name.Shard));
        Assert.True(_written.Count < 20, $"20 batches took {_written.Count} blobs");
        Assert.Equal(_written.Count, _written.Select(w => w.Name).Distinct().Count());
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
