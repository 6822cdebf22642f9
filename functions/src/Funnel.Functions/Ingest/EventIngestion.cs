using Funnel.Domain.Ingest;
using Funnel.Domain.Processing;
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
/// before the answer is given, so a 200 means the events are durably queued.
/// </summary>
public sealed class EventIngestion(
    EventIntake intake,
    IEventBatchMessages messages,
    IQueueSender sender,
    IngestBackpressure backpressure,
    IngestLimits limits,
    PipelineMetrics metrics,
    ILogger<EventIngestion> logger)
{
    public async Task<IngestResult> ReceiveAsync(string kind, HttpRequest http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var result = await ReceiveUnmeteredAsync(kind, http, cancellationToken);
        metrics.Ingested(result);
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
        var result = await intake.ReceiveAsync(request, cancellationToken);
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
            var queued = await messages.ToMessagesAsync(result.Batch, cancellationToken);
            await sender.SendAsync(StorageNames.EventsQueue, queued, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is acknowledged: the client keeps the events and retries the whole batch.
            logger.LogError(ex, "Enqueueing an accepted batch failed; answering that the queue is unavailable");
            return IngestResult.Refuse(IngestRefusal.QueueUnavailable, "queue", "the event queue is unavailable; retry later");
        }
        finally
        {
            backpressure.Exit();
        }
        return result;
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest http, int limit, CancellationToken cancellationToken)
    {
        if (http.ContentLength > limit)
        {
            return null;
        }
        using var buffer = new MemoryStream(http.ContentLength is { } length ? (int)length : 16 * 1024);
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
