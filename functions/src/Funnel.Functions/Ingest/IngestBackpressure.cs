using Funnel.Functions.Configuration;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Ingest;

/// <summary>Bounds concurrent enqueues so a slow queue turns into 429s with Retry-After, not piled-up requests.</summary>
public sealed class IngestBackpressure(IOptions<IngestOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentEnqueues);

    public async Task<bool> TryEnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(options.Value.QueueWait, cancellationToken);

    public void Exit() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
