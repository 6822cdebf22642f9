using System.Net;
using System.Text;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Storage;
using Funnel.Storage.Queues;

namespace Funnel.Integration.Tests;

/// <summary>At-least-once delivery must not turn into duplicates in raw storage.</summary>
[Collection(PipelineOnAzurite.Name)]
public class DuplicateDeliveryTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task The_same_queue_message_processed_twice_leaves_each_event_once()
    {
        var prefix = "redeliver" + Guid.NewGuid().ToString("N")[..8];
        var events = Enumerable.Range(0, 40).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(
            $"{{\"type\":\"track\",\"event\":\"A\",\"userId\":\"{prefix}-u{i}\",\"messageId\":\"{prefix}-{i}\",\"timestamp\":\"2026-11-24T01:00:00.000Z\",\"receivedAt\":\"2026-11-24T01:00:01.000Z\"}}")).ToList();
        var message = Encoding.UTF8.GetString(RawEventBatchCodec.Serialize(new RawEventBatch(prefix, DateTimeOffset.UtcNow, events)));

        var sender = new StorageQueueSender(pipeline.Storage.Queues, TimeProvider.System);
        await sender.SendAsync(StorageNames.EventsQueue, [message], CancellationToken.None);
        await pipeline.SettledRawEventsAsync(prefix, 40);
        await sender.SendAsync(StorageNames.EventsQueue, [message], CancellationToken.None);
        var raw = await pipeline.SettledRawEventsAsync(prefix, 40);

        Assert.Equal(40, raw.Count);
        Assert.Equal(40, raw.Select(r => r.Event.GetProperty("messageId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task The_same_batch_posted_twice_with_the_same_messageIds_is_stored_once()
    {
        var prefix = "repost" + Guid.NewGuid().ToString("N")[..8];
        var body = Ingest.TrackBatch(prefix, 25);
        using (var first = await pipeline.Client.SendAsync(Ingest.Batch(body)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await pipeline.SettledRawEventsAsync(prefix, 25);
        using (var second = await pipeline.Client.SendAsync(Ingest.Batch(body)))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        var raw = await pipeline.SettledRawEventsAsync(prefix, 25);

        Assert.Equal(25, raw.Count);
        Assert.Equal(25, raw.Select(r => r.Event.GetProperty("messageId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task A_batch_larger_than_one_queue_message_is_split_and_a_huge_event_travels_by_claim_check()
    {
        var prefix = "large" + Guid.NewGuid().ToString("N")[..8];
        // Random notes: compressed, the batch still does not fit one message, so it is split, and the huge event alone is over the limit.
        var bigNote = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15_000));
        var body = "{\"batch\":[" + string.Join(",", Enumerable.Range(0, 300).Select(i =>
            $"{{\"type\":\"track\",\"event\":\"A\",\"userId\":\"{prefix}-u{i}\",\"messageId\":\"{prefix}-{i}\",\"properties\":{{\"note\":\"{(i == 7 ? bigNote : Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(150)))}\"}}}}")) + "]}";
        using var response = await pipeline.Client.SendAsync(Ingest.Batch(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var raw = await pipeline.SettledRawEventsAsync(prefix, 300);
        Assert.Equal(300, raw.Count);
        Assert.Equal(bigNote, raw.Single(r => r.Event.GetProperty("messageId").GetString() == $"{prefix}-7").Event.GetProperty("properties").GetProperty("note").GetString());
        var groups = raw.Select(r => r.Blob.Split('/')[2].Split('.')[0]).ToHashSet(StringComparer.Ordinal);
        var parts = new List<string>();
        await foreach (var claim in pipeline.Storage.Tables.GetTableClient(StorageNames.RawBatchesTable).QueryAsync<Azure.Data.Tables.TableEntity>())
        {
            if (claim.GetString("Groups").Split(',').Any(groups.Contains))
            {
                parts.Add(claim.RowKey);
            }
        }
        Assert.True(parts.Count(p => System.Text.RegularExpressions.Regex.IsMatch(p, "-p[0-9]+$")) > 1, $"the batch should have been split into several messages, not {string.Join(", ", parts)}");
        var overflow = pipeline.Storage.Blobs.GetBlobContainerClient(StorageNames.IngestOverflowContainer);
        var claimChecks = new List<string>();
        await foreach (var blob in overflow.GetBlobsAsync())
        {
            claimChecks.Add(blob.Name);
        }
        Assert.NotEmpty(claimChecks);
    }
}
