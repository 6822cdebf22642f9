using Funnel.Functions.Configuration;
using Funnel.Functions.Ingest;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Tests.Ingest;

public class IngestBackpressureTests
{
    private static IngestBackpressure Bound(int slots, TimeSpan wait) =>
        new(Options.Create(new IngestOptions { MaxConcurrentEnqueues = slots, QueueWait = wait }));

    [Fact]
    public async Task Requests_beyond_the_bound_wait_and_are_refused_when_no_slot_frees_in_time()
    {
        using var backpressure = Bound(2, TimeSpan.FromMilliseconds(300));
        Assert.True(await backpressure.TryEnterAsync(CancellationToken.None));
        Assert.True(await backpressure.TryEnterAsync(CancellationToken.None));

        var started = DateTime.UtcNow;
        Assert.False(await backpressure.TryEnterAsync(CancellationToken.None));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "the third request should have waited for a slot");
    }

    [Fact]
    public async Task A_waiting_request_gets_the_slot_another_one_frees()
    {
        using var backpressure = Bound(1, TimeSpan.FromSeconds(10));
        Assert.True(await backpressure.TryEnterAsync(CancellationToken.None));
        var waiting = backpressure.TryEnterAsync(CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        backpressure.Exit();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Many_concurrent_requests_never_hold_more_slots_than_the_bound()
    {
        using var backpressure = Bound(3, TimeSpan.FromSeconds(10));
        var inside = 0;
        var most = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
        {
            Assert.True(await backpressure.TryEnterAsync(ct));
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            backpressure.Exit();
        });
        Assert.InRange(most, 1, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }
}
