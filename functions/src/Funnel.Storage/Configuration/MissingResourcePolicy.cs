using Azure.Core;
using Azure.Core.Pipeline;

namespace Funnel.Storage.Configuration;

/// <summary>
/// Re-creates the pipeline's containers, queues and tables when storage answers that one is gone (an
/// emulator restarted in memory, a queue deleted by hand), then sends the request once more. Without
/// it every write would fail until the process restarts; with it the app recovers on its own.
/// Concurrent requests that hit the same loss share one re-creation.
/// </summary>
internal sealed class MissingResourcePolicy(Func<CancellationToken, Task> recreate) : HttpPipelinePolicy, IDisposable
{
    private static readonly string[] MissingCodes = ["QueueNotFound", "ContainerNotFound", "TableNotFound"];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _recreatedAt;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var sentAt = Environment.TickCount64;
        await ProcessNextAsync(message, pipeline);
        if (IsMissingResource(message) && await RecreateAsync(sentAt, message.CancellationToken))
        {
            await ProcessNextAsync(message, pipeline);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var sentAt = Environment.TickCount64;
        ProcessNext(message, pipeline);
        if (IsMissingResource(message) && RecreateAsync(sentAt, message.CancellationToken).GetAwaiter().GetResult())
        {
            ProcessNext(message, pipeline);
        }
    }

    public void Dispose() => _gate.Dispose();

    private static bool IsMissingResource(HttpMessage message)
    {
        if (!message.HasResponse || message.Response.Status != 404 || message.Request.Method == RequestMethod.Delete)
        {
            return false;
        }
        if (message.Response.Headers.TryGetValue("x-ms-error-code", out var code) && MissingCodes.Contains(code, StringComparer.Ordinal))
        {
            return true;
        }
        // The Table service may name the error in the body only; downloads stream their body and are never table calls.
        var body = message.BufferResponse ? message.Response.Content?.ToString() : null;
        return body is not null && body.Contains("TableNotFound", StringComparison.Ordinal);
    }

    /// <summary>True when the resources exist again (created now or by a request that saw the same loss).</summary>
    private async Task<bool> RecreateAsync(long sentAt, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _recreatedAt) > sentAt)
            {
                return true;
            }
            await recreate(cancellationToken);
            Interlocked.Exchange(ref _recreatedAt, Environment.TickCount64);
            return true;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or IOException or HttpRequestException or AggregateException)
        {
            // Storage is still away, or the identity may not create resources: the caller gets the original 404.
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }
}
