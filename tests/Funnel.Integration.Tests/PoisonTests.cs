using System.Text;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Storage;
using Funnel.Storage.Queues;

namespace Funnel.Integration.Tests;

/// <summary>Messages that keep failing are parked (by ProcessEvents with their reason, by the queue trigger as they were), never dropped, and can be replayed.</summary>
[Collection(PipelineOnAzurite.Name)]
public class PoisonTests(PipelineFixture pipeline)
{
    private async Task<PoisonMessage> WaitForPoisonAsync(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var parked = await pipeline.Events.PeekPoisonAsync(32, CancellationToken.None);
            var match = parked.FirstOrDefault(p => p.Body.Contains(marker, StringComparison.Ordinal));
            if (match is not null)
            {
                return match;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no poison message containing {marker}");
    }

    [Fact]
    public async Task A_malformed_message_is_parked_at_once_with_its_reason()
    {
        var marker = "garbage" + Guid.NewGuid().ToString("N")[..8];
        await new StorageQueueSender(pipeline.Storage.Queues, TimeProvider.System).SendAsync(StorageNames.EventsQueue, [$"not json {marker}"], CancellationToken.None);
        var parked = await WaitForPoisonAsync(marker);
        Assert.Equal($"not json {marker}", parked.Body);
        Assert.StartsWith("malformed message", parked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_failing_every_delivery_is_moved_as_it_was_after_5_and_replays_once_the_cause_is_fixed()
    {
        var prefix = "poison" + Guid.NewGuid().ToString("N")[..8];
        var payloadBlob = $"{prefix}.json";
        var claimCheck = $"{{\"batchId\":\"{prefix}\",\"payloadBlob\":\"{payloadBlob}\"}}";
        var sent = await pipeline.Storage.Queues.GetQueueClient(StorageNames.EventsQueue).SendMessageAsync(claimCheck);

        // As the Functions host's queue trigger does: the body moved unchanged, the reasons in the host's log.
        var parked = await WaitForPoisonAsync(prefix);
        Assert.Equal(claimCheck, parked.Body);
        Assert.Null(parked.FailedAt);
        var failures = pipeline.Log.Entries.Where(e => e.Category == typeof(Funnel.Standalone.Hosting.QueuePoller).FullName && e.Message.Contains(sent.Value.MessageId, StringComparison.Ordinal)).ToList();
        Assert.Equal(5, failures.Count);
        Assert.All(failures, f => Assert.Contains("BlobNotFound", f.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal));
        Assert.Equal([.. Enumerable.Repeat(Microsoft.Extensions.Logging.LogLevel.Warning, 4), Microsoft.Extensions.Logging.LogLevel.Error], failures.Select(f => f.Level));
        Assert.Contains("failed 5 times", failures[^1].Message, StringComparison.Ordinal);
        Assert.Empty(await pipeline.RawEventsAsync(prefix));

        // Fix the cause (the claim-check payload appears), then replay as an operator would.
        var batch = new RawEventBatch(prefix, DateTimeOffset.UtcNow, [Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"messageId\":\"{prefix}-0\"}}")]);
        await pipeline.Storage.Blobs.GetBlobContainerClient(StorageNames.IngestOverflowContainer).GetBlobClient(payloadBlob)
            .UploadAsync(BinaryData.FromBytes(RawEventBatchCodec.Serialize(batch)), overwrite: true);
        var replayed = await pipeline.Events.ReplayPoisonAsync(CancellationToken.None);

        Assert.True(replayed >= 1);
        var raw = await pipeline.SettledRawEventsAsync(prefix, 1);
        Assert.Equal($"{prefix}-0", Assert.Single(raw).Event.GetProperty("messageId").GetString());
    }

    [Fact]
    public async Task A_message_the_Functions_host_parked_as_a_bare_body_is_listed_and_replayed()
    {
        var prefix = "hostpark" + Guid.NewGuid().ToString("N")[..8];
        var batch = new RawEventBatch(prefix, DateTimeOffset.UtcNow, [Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"messageId\":\"{prefix}-0\"}}")]);
        var body = Encoding.UTF8.GetString(RawEventBatchCodec.Serialize(batch));
        // The Functions host's queue trigger moves a message to {queue}-poison as it was, with no envelope.
        await pipeline.Storage.Queues.GetQueueClient(StorageNames.PoisonQueueOf(StorageNames.EventsQueue)).SendMessageAsync(body);

        var parked = await WaitForPoisonAsync(prefix);
        Assert.Equal(body, parked.Body);
        Assert.Contains("Functions host", parked.Reason, StringComparison.Ordinal);
        Assert.True(await pipeline.Events.ReplayPoisonAsync(CancellationToken.None) >= 1);
        var raw = await pipeline.SettledRawEventsAsync(prefix, 1);
        Assert.Equal($"{prefix}-0", Assert.Single(raw).Event.GetProperty("messageId").GetString());
    }
}
