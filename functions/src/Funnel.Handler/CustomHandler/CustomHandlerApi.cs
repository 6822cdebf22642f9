using System.Text.Json;
using Funnel.Domain.Ingest;
using Funnel.Handler.Ingest;
using Funnel.Handler.Processing;

namespace Funnel.Handler.CustomHandler;

/// <summary>The endpoints the Azure Functions host calls: <c>POST /{FunctionName}</c> with an invocation payload.</summary>
public static class CustomHandlerApi
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapCustomHandlerApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/" + FunctionCatalog.Ingest, IngestAsync);
        routes.MapPost("/" + FunctionCatalog.ProcessEvents, ProcessEventsAsync);
        return routes;
    }

    private static async Task<IResult> IngestAsync(HttpRequest http, IngestFunction ingest, CancellationToken cancellationToken)
    {
        var invocation = await ReadInvocationAsync(http, cancellationToken);
        if (invocation is null || !invocation.Data.TryGetValue(FunctionCatalog.HttpRequestBinding, out var reqElement))
        {
            return Results.BadRequest(new InvocationResponse { Logs = [$"invocation has no Data.{FunctionCatalog.HttpRequestBinding}"] });
        }
        var req = reqElement.Deserialize<HttpTriggerRequest>(PayloadJson) ?? new HttpTriggerRequest();
        var kind = req.Params.TryGetValue("kind", out var k) ? k : KindFromUrl(req.Url);
        var request = new IngestRequest(kind, req.Header("Content-Type"), req.Header("Content-Encoding"), req.Header("Authorization"), HttpTriggerBody.Bytes(req.Body));
        var outcome = await ingest.InvokeAsync(request, cancellationToken);

        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/json; charset=utf-8" };
        if (outcome.Response.RetryAfterSeconds is { } retry)
        {
            headers["Retry-After"] = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var outputs = new Dictionary<string, object?>
        {
            [FunctionCatalog.HttpResponseBinding] = new HttpBindingResponse(outcome.Response.StatusCode, JsonSerializer.Serialize(outcome.Response.Answer), headers),
        };
        if (outcome.EventMessages.Count > 0)
        {
            outputs[FunctionCatalog.EventsOutputBinding] = outcome.EventMessages;
        }
        return Results.Json(new InvocationResponse { Outputs = outputs }, PayloadJson);
    }

    private static async Task<IResult> ProcessEventsAsync(HttpRequest http, ProcessEventsFunction process, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var invocation = await ReadInvocationAsync(http, cancellationToken);
        if (invocation is null || !invocation.Data.TryGetValue(FunctionCatalog.QueueTriggerBinding, out var message))
        {
            return Results.BadRequest(new InvocationResponse { Logs = [$"invocation has no Data.{FunctionCatalog.QueueTriggerBinding}"] });
        }
        // The host hands a JSON message body over either as a string or already parsed.
        var body = message.ValueKind == JsonValueKind.String ? message.GetString()! : message.GetRawText();
        try
        {
            var written = await process.InvokeAsync(body, cancellationToken);
            return Results.Json(new InvocationResponse { Logs = [$"wrote {written} events to raw storage"] }, PayloadJson);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            loggers.CreateLogger(typeof(CustomHandlerApi)).LogError(ex, "ProcessEvents failed; the host will redeliver the message");
            // A non-2xx answer makes the host abandon the message, so Service Bus redelivers or dead-letters it.
            return Results.Json(new InvocationResponse { Logs = [$"ProcessEvents failed: {ex.Message}"] }, PayloadJson, statusCode: 500);
        }
    }

    private static async Task<InvocationRequest?> ReadInvocationAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<InvocationRequest>(http.Body, PayloadJson, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string KindFromUrl(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return string.Empty;
        }
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        return segments.Length == 2 && segments[0] == "v1" ? segments[1] : string.Empty;
    }
}
