using System.Text;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Storage.Queues;

namespace Funnel.Functions.Tests.Queues;

public class RawEventBatchCodecTests
{
    private static RawEventBatch BatchOf(int events, int payloadChars) => new(
        "b1",
        new DateTimeOffset(2026, 11, 24, 1, 2, 3, 456, TimeSpan.Zero),
        Enumerable.Range(0, events).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"userId\":\"u{i}\",\"event\":\"{new string('x', payloadChars)}\"}}")).ToList());

    [Fact]
    public void A_batch_survives_the_round_trip_through_a_queue_message()
    {
        var batch = BatchOf(3, 10);
        var back = RawEventBatchCodec.Deserialize(RawEventBatchCodec.Serialize(batch));
        Assert.Equal(batch.BatchId, back.BatchId);
        Assert.Equal(batch.ReceivedAt, back.ReceivedAt);
        Assert.Equal(batch.Events.Select(e => Encoding.UTF8.GetString(e.Span)), back.Events.Select(e => Encoding.UTF8.GetString(e.Span)));
    }

    [Fact]
    public void A_batch_over_the_message_limit_splits_into_parts_that_fit_and_keep_every_event_in_order()
    {
        var batch = BatchOf(100, 200);
        var parts = RawEventBatchCodec.SplitToFit(batch, 4096);
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(RawEventBatchCodec.Serialize(p).Length <= 4096));
        Assert.Equal(parts.Select((_, i) => $"b1-p{i}"), parts.Select(p => p.BatchId));
        Assert.Equal(batch.Events.Select(e => e.ToArray()), parts.SelectMany(p => p.Events).Select(e => e.ToArray()));
        Assert.Equal(parts.Select(p => p.BatchId), RawEventBatchCodec.SplitToFit(batch, 4096).Select(p => p.BatchId));
    }

    [Fact]
    public void A_batch_under_the_limit_stays_whole_under_its_own_id() =>
        Assert.Equal("b1", Assert.Single(RawEventBatchCodec.SplitToFit(BatchOf(2, 10), 4096)).BatchId);

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{\"receivedAt\":\"2026-11-24T00:00:00Z\",\"events\":[]}", "batchId")]
    [InlineData("{\"batchId\":\"../../etc\",\"receivedAt\":\"2026-11-24T00:00:00Z\",\"events\":[]}", "unusable batchId")]
    [InlineData("{\"batchId\":\"b\",\"events\":[]}", "receivedAt")]
    [InlineData("{\"batchId\":\"b\",\"receivedAt\":\"2026-11-24T00:00:00Z\"}", "events")]
    public void A_malformed_message_is_refused_with_what_is_wrong(string message, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RawEventBatchCodec.Deserialize(Encoding.UTF8.GetBytes(message)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
