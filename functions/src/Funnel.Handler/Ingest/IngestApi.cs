using Funnel.Domain.Ingest;
using Funnel.Handler.Configuration;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Funnel.Handler.Ingest;

/// <summary>The Segment-compatible HTTP API as the standalone host serves it.</summary>
public static class IngestApi
{
    public const string CorsPolicy = "segment-clients";

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/" + FunctionCatalog.IngestRoute, ReceiveAsync).RequireCors(CorsPolicy);
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(
        string kind,
        HttpRequest http,
        IngestFunction ingest,
        IQueueSender sender,
        IngestBackpressure backpressure,
        IOptions<IngestOptions> options,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var limits = http.HttpContext.RequestServices.GetRequiredService<IngestLimits>();
        var body = await ReadBodyAsync(http, limits.MaxBatchBytes, cancellationToken);
        if (body is null)
        {
            return Answer(IngestResponse.Refuse(413, "body", $"request body is over the {limits.MaxBatchBytes}-byte limit"));
        }
        var request = new IngestRequest(kind, http.ContentType, http.Headers.ContentEncoding.ToString(), http.Headers.Authorization.ToString(), body);
        var outcome = await ingest.InvokeAsync(request, cancellationToken);
        if (outcome.EventMessages.Count == 0)
        {
            return Answer(outcome.Response);
        }

        var retryAfter = options.Value.RetryAfterSeconds;
        if (!await backpressure.TryEnterAsync(cancellationToken))
        {
            return Answer(IngestResponse.Refuse(429, "queue", "too many requests are being queued; retry later", retryAfter));
        }
        try
        {
            await sender.SendAsync(StorageNames.EventsQueue, outcome.EventMessages, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing is acknowledged: the client keeps the events and retries the whole batch.
            loggers.CreateLogger(typeof(IngestApi)).LogError(ex, "Enqueueing an accepted batch failed; answering 503");
            return Answer(IngestResponse.Refuse(503, "queue", "the event queue is unavailable; retry later", retryAfter));
        }
        finally
        {
            backpressure.Exit();
        }
        return Answer(outcome.Response);
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

    internal static IResult Answer(IngestResponse response) => new IngestHttpResult(response);

    private sealed class IngestHttpResult(IngestResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.StatusCode;
            if (response.RetryAfterSeconds is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            await httpContext.Response.WriteAsJsonAsync(response.Answer, httpContext.RequestAborted);
        }
    }
}
