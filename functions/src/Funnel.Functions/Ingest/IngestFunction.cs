using Funnel.Functions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Ingest;

/// <summary>The Segment-compatible HTTP Tracking API: <c>POST /v1/{kind}</c> (batch, track, identify, … and the short forms).</summary>
public sealed class IngestFunction(EventIngestion ingestion, IOptions<IngestOptions> options)
{
    [Function(FunctionNames.Ingest)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = FunctionNames.IngestRoute)] HttpRequest request,
        string kind,
        CancellationToken cancellationToken)
    {
        var result = await ingestion.ReceiveAsync(kind, request, cancellationToken);
        return new IngestHttpAnswer(result, options.Value.RetryAfterSeconds);
    }
}
