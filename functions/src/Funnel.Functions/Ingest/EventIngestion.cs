using Funnel.Engine.Processing;
using Funnel.Events.Ingest;
using Funnel.Functions.Configuration;
using Funnel.Functions.Telemetry;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Ingest;

/// <summary>
/// One ingest request from HTTP to the queue: reads the body within the limit, takes the write key out of
/// the Basic credentials, validates through <see cref="EventIntake"/>, and enqueues the accepted events
/// before the answer is given, so a 200 means the events are durably queued. Storage gets
/// <see cref="IngestOptions.StorageTimeout"/> per request: a key that cannot be checked or a batch that
/// cannot be queued in time is a 503 with Retry-After, never a 500 or a request held for long.
/// </summary>
public sealed class EventIngestion(
    EventIntake intake,
    QueuedBatchGroups queue,
    IngestBackpressure backpressure,
    EventsBacklog backlog,
    IOptions<IngestOptions> options,
    IngestLimits limits,
    PipelineMetrics metrics,
    IngestRefusalTally refusals,
    ReportingClock clock,
    TimeProvider time,
    ILogger<EventIngestion> logger)
{
    public async Task<IngestResult> ReceiveAsync(string kind, HttpRequest http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await ReceiveUnmeteredAsync(kind, http, cancellationToken);
        metrics.Ingested(result);
        refusals.Add(clock.DayOf(time.GetUtcNow()), result);
        return result;
    }

    private async Task<IngestResult> ReceiveUnmeteredAsync(string kind, HttpRequest http, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(http, limits.MaxBatchBytes, cancellationToken);
        if (body is null)
        {
            return IngestResult.Refuse(IngestRefusal.TooLarge, "body", $"request body is over the {limits.MaxBatchBytes}-byte limit");
        }
        var request = new IngestRequest(
            kind, http.ContentType, http.Headers.ContentEncoding.ToString(),
            WriteKeyCredential.FromAuthorizationHeader(http.Headers.Authorization.ToString()), body);
        var settings = options.Value;
        using var storageTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        storageTime.CancelAfter(settings.StorageTimeout);

        IngestResult result;
        try
        {
            result = await intake.ReceiveAsync(request, storageTime.Token);
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            logger.LogWarning("Checking a write key failed ({Error}); answering 503", StorageError.Describe(ex));
            return IngestResult.Refuse(IngestRefusal.StorageUnavailable, "writeKey", "the write key could not be checked because storage is not answering; retry later");
        }
        if (result.Erased > 0)
        {
            logger.LogInformation("Left out {Events} events of erased persons", result.Erased);
        }
        if (result.Batch is null)
        {
            return result;
        }
        if (!await backpressure.TryEnterAsync(cancellationToken))
        {
            return IngestResult.Refuse(IngestRefusal.Busy, "queue", "too many requests are being queued; retry later");
        }
        try
        {
            var bounded = settings.MaxBacklog > 0;
            if (bounded && !backlog.TryReserve(settings.MaxBacklog))
            {
                return IngestResult.Refuse(IngestRefusal.Busy, "queue", $"processing is behind (about {backlog.Latest.Messages} queued messages, bound {settings.MaxBacklog}); retry later");
            }
            try
            {
                await queue.SendAsync(result.Batch, storageTime.Token);
            }
            finally
            {
                if (bounded)
                {
                    backlog.Release();
                }
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex, cancellationToken))
        {
            // Nothing is acknowledged: the client keeps the events and retries the whole batch. A part that
            // did reach the queue is written again under the same blob names, so the retry adds no duplicate.
            logger.LogWarning("Enqueueing an accepted batch failed ({Error}); answering 503", StorageError.Describe(ex));
            return IngestResult.Refuse(IngestRefusal.StorageUnavailable, "queue", "the event queue is not answering; retry later");
        }
        finally
        {
            backpressure.Exit();
        }
        return result;
    }

    /// <summary>Any failure of storage, including our own timeout; not the client going away.</summary>
    private static bool IsStorageFailure(Exception ex, CancellationToken clientGone) =>
        !clientGone.IsCancellationRequested
        && ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or IOException or AggregateException;

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer. A declared length is read straight into one array.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest http, int limit, CancellationToken cancellationToken)
    {
        if (http.ContentLength > limit)
        {
            return null;
        }
        if (http.ContentLength is { } length)
        {
            var body = new byte[length];
            await http.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }
        using var buffer = new MemoryStream(16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
