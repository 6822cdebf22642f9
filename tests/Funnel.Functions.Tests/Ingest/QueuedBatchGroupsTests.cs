using System.Text;
using Azure.Storage.Blobs;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Functions.Configuration;
using Funnel.Functions.Ingest;
using Funnel.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Tests.Ingest;

/// <summary>Requests that arrive while a send is under way share the next messages; each request waits for its own batch; a failed send fails its whole group.</summary>
public sealed class QueuedBatchGroupsTests : IDisposable
{
    public void Dispose() => _backlog.Dispose();

    private static readonly EventBatchEnvelope Envelope = new(new BlobServiceClient(new Uri("http://127.0.0.1:9/devstoreaccount1")), 65_536);

    private static RawEventBatch Batch(int n) => new($"b{n}", DateTimeOffset.UnixEpoch.AddSeconds(n),
        [Encoding.UTF8.GetBytes($"{{\"type\":\"track\",\"userId\":\"u{n}\",\"messageId\":\"m{n}\",\"event\":\"E\"}}")]);

    /// <summary>A queue that takes its time, remembers what it got, and fails while <see cref="Failing"/> is set.</summary>
    private sealed class SlowQueue : IQueueSender
    {
        public List<string> Messages { get; } = [];
        public int Sends;
        public volatile bool Failing;

        public async Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sends);
            await Task.Delay(50, cancellationToken);
            if (Failing)
            {
                throw new IOException("queue is not answering");
            }
            lock (Messages)
            {
                Messages.AddRange(messages);
            }
        }

        public Task ParkAsync(string queueName, string message, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static async Task<bool> QueuedAsync(SlowQueue queue, string batchId)
    {
        List<string> messages;
        lock (queue.Messages)
        {
            messages = [.. queue.Messages];
        }
        foreach (var message in messages)
        {
            if ((await Envelope.FromMessageAsync(message, CancellationToken.None)).Any(b => b.BatchId == batchId))
            {
                return true;
            }
        }
        return false;
    }

    private readonly EventsBacklog _backlog = new(
        new Azure.Storage.Queues.QueueServiceClient("UseDevelopmentStorage=true"), TimeProvider.System,
        new Funnel.Functions.Telemetry.PipelineMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<EventsBacklog>.Instance);

    private QueuedBatchGroups Groups(SlowQueue queue) => new(Envelope, queue, _backlog, Options.Create(new IngestOptions()));

    [Fact]
    public async Task Concurrent_requests_are_queued_in_fewer_messages_each_batch_exactly_once()
    {
        var queue = new SlowQueue();
        var groups = Groups(queue);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(n => Task.Run(() => groups.SendAsync(Batch(n), CancellationToken.None))));

        Assert.InRange(queue.Sends, 1, 30);
        var queued = new List<RawEventBatch>();
        foreach (var message in queue.Messages)
        {
            queued.AddRange(await Envelope.FromMessageAsync(message, CancellationToken.None));
        }
        Assert.Equal(Enumerable.Range(0, 60).Select(n => $"b{n}").Order(), queued.Select(b => b.BatchId).Order());

        // The backlog bound counts the messages really queued, not one per request.
        Assert.False(_backlog.TryReserve(queue.Messages.Count));
        Assert.True(_backlog.TryReserve(queue.Messages.Count + 1));
        // A request still sending holds its place: the next one finds the bound reached until it releases it.
        Assert.False(_backlog.TryReserve(queue.Messages.Count + 1));
        _backlog.Release();
        Assert.True(_backlog.TryReserve(queue.Messages.Count + 1));
        _backlog.Release();
    }

    [Fact]
    public void Requests_checking_the_bound_at_the_same_moment_never_take_more_places_than_it_leaves()
    {
        const int bound = 40;
        var taken = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (_backlog.TryReserve(bound))
            {
                Interlocked.Increment(ref taken);
            }
        });
        Assert.Equal(bound, taken);
    }

    [Fact]
    public async Task A_failed_send_fails_the_requests_of_its_group_and_later_requests_are_queued_again()
    {
        var queue = new SlowQueue { Failing = true };
        var groups = Groups(queue);

        var failed = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(async () =>
            await Record.ExceptionAsync(() => groups.SendAsync(Batch(n), CancellationToken.None)))));
        Assert.All(failed, ex => Assert.IsType<IOException>(ex));
        Assert.Empty(queue.Messages);

        queue.Failing = false;
        await groups.SendAsync(Batch(99), CancellationToken.None);
        var batch = Assert.Single(await Envelope.FromMessageAsync(Assert.Single(queue.Messages), CancellationToken.None));
        Assert.Equal("b99", batch.BatchId);
    }

    [Fact]
    public async Task A_request_that_stops_waiting_is_told_so_while_its_group_is_still_sent()
    {
        var queue = new SlowQueue();
        var groups = Groups(queue);
        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => groups.SendAsync(Batch(1), gone.Token));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await QueuedAsync(queue, "b1") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(await QueuedAsync(queue, "b1"));
    }
}
