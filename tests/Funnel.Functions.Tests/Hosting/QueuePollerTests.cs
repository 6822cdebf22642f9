using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Funnel.Functions.Configuration;
using Funnel.Standalone.Hosting;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Tests.Hosting;

/// <summary>One Azurite for the poller tests; each test polls a queue of its own.</summary>
public sealed class PollerAzurite : IAsyncLifetime
{
    public AzuriteStorage Azurite { get; private set; } = null!;

    public QueueServiceClient Queues => Azurite.Storage.Queues;

    public async Task InitializeAsync() => Azurite = await AzuriteStorage.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>
/// The standalone host's queue poller against a real Storage queue (Azurite), behaving as the Functions host's
/// queue trigger: retries after the visibility timeout, moves a message to <c>{queue}-poison</c> unchanged after
/// <c>maxDequeueCount</c> deliveries, fetches a new batch once <c>newBatchThreshold</c> or fewer messages still run.
/// </summary>
public class QueuePollerTests(PollerAzurite storage) : IClassFixture<PollerAzurite>
{
    /// <summary>Generous: only a broken poller waits this long.</summary>
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(90);

    /// <summary>The function app's own settings, with an empty queue polled every 100 ms.</summary>
    private static QueueTriggerSettings HostJson() =>
        QueueTriggerSettings.Read(RepoPaths.Of("functions", "src", "Funnel.Functions", "host.json"), new ConfigurationBuilder().Build())
            with { MaxPollingInterval = QueueTriggerSettings.MinimumPollingInterval };

    private sealed record Delivery(string Body, long DequeueCount);

    private async Task<(QueueClient Queue, QueueClient Poison)> NewQueueAsync()
    {
        var name = "poller" + Guid.NewGuid().ToString("N")[..10];
        var queue = storage.Queues.GetQueueClient(name);
        await queue.CreateAsync();
        // The poison queue is left for the poller to create, as the Functions host creates it on first use.
        return (queue, storage.Queues.GetQueueClient(QueueTriggerSettings.PoisonQueueOf(name)));
    }

    private QueuePoller Poller(QueueClient queue, QueueClient poison, QueueTriggerSettings trigger, Func<QueuedMessage, Task> handler) =>
        new(new StorageQueueChannel(storage.Queues, queue.Name), poison, (message, _) => handler(message), trigger,
            Options.Create(new StandaloneOptions()), NullLogger<QueuePoller>.Instance);

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + GiveUp;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"gave up waiting: {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<List<string>> PeekAsync(QueueClient queue) =>
        await queue.ExistsAsync() ? [.. (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString())] : [];

    [Fact]
    public async Task A_message_that_always_fails_is_moved_to_its_poison_queue_after_exactly_maxDequeueCount_deliveries_with_its_body_unchanged()
    {
        var (queue, poison) = await NewQueueAsync();
        var trigger = HostJson() with { VisibilityTimeout = TimeSpan.Zero };
        const string body = """{"batchId":"always-fails","text":"<a & b> 中文 \"quoted\""}""";
        await queue.SendMessageAsync(body);
        var deliveries = new ConcurrentQueue<Delivery>();
        var poller = Poller(queue, poison, trigger, message =>
        {
            deliveries.Enqueue(new Delivery(message.Body, message.DequeueCount));
            throw new InvalidOperationException("this message always fails");
        });

        await poller.StartAsync(CancellationToken.None);
        await Until(async () => (await PeekAsync(poison)).Count > 0, "the message in the poison queue");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, trigger.MaxDequeueCount).Select(n => (long)n), deliveries.Select(d => d.DequeueCount));
        Assert.All(deliveries, d => Assert.Equal(body, d.Body));
        Assert.Equal([body], await PeekAsync(poison));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_failed_message_comes_again_only_after_its_visibility_timeout_while_messages_sent_after_its_failure_are_delivered_first()
    {
        var (queue, poison) = await NewQueueAsync();
        var trigger = HostJson() with { VisibilityTimeout = TimeSpan.FromSeconds(5) };
        await queue.SendMessageAsync("A");
        var order = new ConcurrentQueue<string>();
        var poller = Poller(queue, poison, trigger, async message =>
        {
            order.Enqueue($"{message.Body}#{message.DequeueCount}");
            switch (message.Body)
            {
                case "A" when message.DequeueCount == 1:
                    // Each message is sent by the one before it: the chain runs while A is hidden after its failure.
                    await queue.SendMessageAsync("B1");
                    throw new InvalidOperationException("A fails its first delivery");
                case "B1":
                    await queue.SendMessageAsync("B2");
                    break;
                case "B2":
                    await queue.SendMessageAsync("B3");
                    break;
            }
        });

        await poller.StartAsync(CancellationToken.None);
        await Until(() => Task.FromResult(order.Contains("A#2")), "A's second delivery");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(["A#1", "B1#1", "B2#1", "B3#1", "A#2"], order);
        Assert.Empty(await PeekAsync(poison));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_delivered_more_often_than_maxDequeueCount_without_being_settled_is_moved_unrun()
    {
        var (queue, poison) = await NewQueueAsync();
        var trigger = HostJson();
        await queue.SendMessageAsync("held by processes that died");
        // Each receive counts a delivery; making it visible again at once stands in for a lease that ran out.
        for (var i = 0; i < trigger.MaxDequeueCount; i++)
        {
            var received = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value.Single();
            await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        var ran = 0;
        var poller = Poller(queue, poison, trigger, _ =>
        {
            Interlocked.Increment(ref ran);
            return Task.CompletedTask;
        });

        await poller.StartAsync(CancellationToken.None);
        await Until(async () => (await PeekAsync(poison)).Count > 0, "the message in the poison queue");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(0, ran);
        Assert.Equal(["held by processes that died"], await PeekAsync(poison));
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_new_batch_is_fetched_once_newBatchThreshold_or_fewer_of_the_fetched_messages_still_run()
    {
        var (queue, poison) = await NewQueueAsync();
        var trigger = HostJson() with { BatchSize = 4, NewBatchThreshold = 2 };
        for (var i = 0; i < 10; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }
        var gates = new ConcurrentDictionary<string, TaskCompletionSource>();
        var started = new ConcurrentQueue<string>();
        int running = 0, mostAtOnce = 0;
        var poller = Poller(queue, poison, trigger, async message =>
        {
            InterlockedMax(ref mostAtOnce, Interlocked.Increment(ref running));
            var gate = gates.GetOrAdd(message.Body, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            started.Enqueue(message.Body);
            await gate.Task;
            Interlocked.Decrement(ref running);
        });
        void Release(int count)
        {
            foreach (var body in started.Where(b => !gates[b].Task.IsCompleted).Take(count).ToList())
            {
                gates[body].SetResult();
            }
        }
        // Nothing can make these counts grow but another fetch: the poller polls an idle queue every 100 ms.
        async Task StaysAt(int count)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.Equal(count, started.Count);
        }

        await poller.StartAsync(CancellationToken.None);
        await Until(() => Task.FromResult(started.Count >= 4), "the first batch of 4");
        await StaysAt(4);
        Release(1);
        await StaysAt(4);
        Release(1);
        await Until(() => Task.FromResult(started.Count >= 8), "a second batch of 4 once 2 still run");
        await StaysAt(8);
        Release(int.MaxValue);
        await Until(() => Task.FromResult(started.Count >= 10), "the last 2");
        Release(int.MaxValue);
        await Until(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, "every message done");
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal(trigger.NewBatchThreshold + trigger.BatchSize, mostAtOnce);
        Assert.Equal(10, started.Count);
        Assert.Equal(10, started.Distinct().Count());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
