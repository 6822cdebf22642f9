using System.Globalization;
using Funnel.Events.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Funnel.Functions.Ingest;

/// <summary>Writes an <see cref="IngestResult"/> as the Segment API answers: status by refusal, Retry-After when the client should come back, the JSON answer.</summary>
public sealed class IngestHttpAnswer(IngestResult result, int retryAfterSeconds) : IActionResult, IResult
{
    public IngestResult Result => result;

    public int StatusCode => result.Refusal switch
    {
        null => StatusCodes.Status200OK,
        IngestRefusal.Malformed => StatusCodes.Status400BadRequest,
        IngestRefusal.Unauthenticated => StatusCodes.Status401Unauthorized,
        IngestRefusal.UnknownEndpoint => StatusCodes.Status404NotFound,
        IngestRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
        IngestRefusal.UnsupportedContent => StatusCodes.Status415UnsupportedMediaType,
        IngestRefusal.Busy => StatusCodes.Status429TooManyRequests,
        IngestRefusal.StorageUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new InvalidOperationException($"no HTTP status for refusal {result.Refusal}"),
    };

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ExecuteAsync(context.HttpContext);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCode;
        if (result.Refusal is IngestRefusal.Busy or IngestRefusal.StorageUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        await httpContext.Response.WriteAsJsonAsync(result.Answer, httpContext.RequestAborted);
    }
}
