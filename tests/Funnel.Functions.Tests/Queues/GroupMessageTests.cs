using System.IO.Compression;
using System.Text;
using Azure.Storage.Blobs;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Storage.Queues;

namespace Funnel.Functions.Tests.Queues;

/// <summary>Batches travel compressed, several to a queue message; what cannot fit takes the plain path; forged messages are refused with the reason.</summary>
public class GroupMessageTests
{
    /// <summary>Never called: nothing here is large enough for the claim check.</summary>
    private static readonly BlobServiceClient NoBlobs = new(new Uri("http://127.0.0.1:9/devstoreaccount1"));

    private static RawEventBatch Batch(string id, int events, Func<int, string> payload) => new(
        id,
        new DateTimeOffset(2026, 11, 24, 1, 2, 3, 456, TimeSpan.Zero).AddSeconds(id.Length),
        Enumerable.Range(0, events).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(
            $"{{\"type\":\"track\",\"userId\":\"u{i}\",\"messageId\":\"{id}-{i}\",\"event\":\"Product Viewed\",\"properties\":{{\"p\":\"{payload(i)}\"}}}}")).ToList());

    private static async Task<List<RawEventBatch>> ReadAllAsync(EventBatchEnvelope envelope, IEnumerable<string> messages)
    {
        var batches = new List<RawEventBatch>();
        foreach (var message in messages)
        {
            batches.AddRange(await envelope.FromMessageAsync(message, CancellationToken.None));
        }
        return batches;
    }

    private static void AssertSame(RawEventBatch expected, RawEventBatch actual)
    {
        Assert.Equal(expected.BatchId, actual.BatchId);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(expected.Events.Select(e => Encoding.UTF8.GetString(e.Span)), actual.Events.Select(e => Encoding.UTF8.GetString(e.Span)));
    }

    [Fact]
    public async Task Many_batches_share_a_few_messages_under_the_limit_and_come_back_whole_and_in_order()
    {
        var envelope = new EventBatchEnvelope(NoBlobs, 65_536);
        var batches = Enumerable.Range(0, 40).Select(b => Batch($"batch{b}", 50, i => $"sku-{i % 7}")).ToList();
        Assert.All(batches, b => Assert.True(RawEventBatchCodec.Serialize(b).Length > 4_000));

        var messages = await envelope.ToMessagesAsync(batches, CancellationToken.None);

        Assert.InRange(messages.Count, 1, 10);
        Assert.All(messages, m => Assert.InRange(m.Length, 1, 65_536));
        var back = await ReadAllAsync(envelope, messages);
        Assert.Equal(batches.Count, back.Count);
        for (var i = 0; i < batches.Count; i++)
        {
            AssertSame(batches[i], back[i]);
        }
    }

    [Fact]
    public async Task A_batch_that_does_not_fit_compressed_goes_as_plain_parts_beside_the_grouped_ones()
    {
        var envelope = new EventBatchEnvelope(NoBlobs, 8_192);
        var random = new Random(5);
        string Noise(int _) => Convert.ToBase64String(Enumerable.Range(0, 300).Select(_ => (byte)random.Next(256)).ToArray());
        var small = Batch("small", 3, i => "x");
        var noisy = Batch("noisy", 40, Noise);

        var messages = await envelope.ToMessagesAsync([small, noisy], CancellationToken.None);

        Assert.All(messages, m => Assert.InRange(m.Length, 1, 8_192));
        Assert.Contains(messages, m => !m.StartsWith("gz:", StringComparison.Ordinal));
        var back = await ReadAllAsync(envelope, messages);
        AssertSame(small, Assert.Single(back, b => b.BatchId == "small"));
        var parts = back.Where(b => b.BatchId.StartsWith("noisy-p", StringComparison.Ordinal)).ToList();
        Assert.True(parts.Count > 1);
        Assert.Equal(noisy.Events.Select(e => Encoding.UTF8.GetString(e.Span)), parts.SelectMany(p => p.Events).Select(e => Encoding.UTF8.GetString(e.Span)));
    }

    [Theory]
    [InlineData("gz:not base64!", "not base64")]
    [InlineData("gz:bm90IGd6aXA=", "not valid gzip")]
    public async Task A_forged_group_message_is_refused_with_the_reason(string message, string reason)
    {
        var ex = await Assert.ThrowsAsync<FormatException>(() => new EventBatchEnvelope(NoBlobs, 65_536).FromMessageAsync(message, CancellationToken.None));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_message_that_would_inflate_without_bound_is_refused()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 40; i++)
            {
                gzip.Write(zeros);
            }
        }
        var message = "gz:" + Convert.ToBase64String(compressed.ToArray());

        var ex = await Assert.ThrowsAsync<FormatException>(() => new EventBatchEnvelope(NoBlobs, int.MaxValue).FromMessageAsync(message, CancellationToken.None));
        Assert.Contains("inflates to more than", ex.Message, StringComparison.Ordinal);
    }
}
