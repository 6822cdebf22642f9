using System.Diagnostics;
using Funnel.Functions.Configuration;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Ingest;

/// <summary>
/// Bounds concurrent enqueues so a slow queue turns into 429s with Retry-After, not piled-up requests.
/// A free slot is taken with one interlocked operation: every request passes here, and a semaphore's lock
/// was a measurable share of ingest's CPU under load. Only a request that finds none waits.
/// </summary>
public sealed class IngestBackpressure(IOptions<IngestOptions> options) : IDisposable
{
    /// <summary>How often a waiting request looks again even without a signal (a release may slip between its look and its wait).</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(50);

    private readonly int _slots = options.Value.MaxConcurrentEnqueues;
    private readonly SemaphoreSlim _released = new(0);
    private int _inUse;
    private int _waiting;

    public async ValueTask<bool> TryEnterAsync(CancellationToken cancellationToken)
    {
        if (TryTake())
        {
            return true;
        }
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Value.QueueWait.TotalSeconds * Stopwatch.Frequency);
        Interlocked.Increment(ref _waiting);
        try
        {
            while (true)
            {
                if (TryTake())
                {
                    return true;
                }
                var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }
                await _released.WaitAsync(left < Recheck ? left : Recheck, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    public void Exit()
    {
        Interlocked.Decrement(ref _inUse);
        if (Volatile.Read(ref _waiting) > 0)
        {
            _released.Release();
        }
    }

    public void Dispose() => _released.Dispose();

    private bool TryTake()
    {
        var inUse = Volatile.Read(ref _inUse);
        while (inUse < _slots)
        {
            var seen = Interlocked.CompareExchange(ref _inUse, inUse + 1, inUse);
            if (seen == inUse)
            {
                return true;
            }
            inUse = seen;
        }
        return false;
    }
}
