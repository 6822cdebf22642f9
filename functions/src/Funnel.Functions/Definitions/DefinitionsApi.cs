using System.Text;
using Funnel.Functions.Http;
using Funnel.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Functions.Definitions;

/// <summary>
/// The definitions in the deployed app (function keys): <c>GET /ops/definitions</c> answers the document in force;
/// <c>PUT /ops/definitions</c> with a JSON document validates it and puts it in force from the next day's run, or answers
/// 400 naming every problem (path and reason) and leaves the one in force as it was.
/// </summary>
public sealed class DefinitionsApi(IDefinitionsStore store, StorageDeadline deadline)
{
    public const string Route = "ops/definitions";

    /// <summary>A definitions document is a few kilobytes; this bounds what one request may make the app parse.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    [Function("ReadDefinitions")]
    public async Task<IResult> ReadAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await deadline.AnswerAsync(request, async token =>
        {
            var document = await store.ReadInForceAsync(token);
            var version = document is null ? DefinitionsDocument.BuiltIn : DefinitionsDocument.VersionOf(document);
            document ??= DefinitionsDocument.Canonical(MetricDefinitions.Default);
            request.HttpContext.Response.Headers["x-definitions-version"] = version;
            return Results.Text(document, "application/json", Encoding.UTF8);
        }, cancellationToken);
    }

    [Function("PutDefinitions")]
    public async Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (text, refusal) = await BoundedBody.ReadTextAsync(request, MaxBodyBytes, $"is over {MaxBodyBytes / 1024} KiB; a definitions document is a few kilobytes", cancellationToken);
        if (text is null)
        {
            return refusal!;
        }
        var (definitions, problems) = MetricDefinitions.Parse(text);
        if (definitions is null)
        {
            return ApiProblem.Every(problems.Select(p => new ApiError(p.Path, p.Reason)));
        }
        var document = DefinitionsDocument.Canonical(definitions);
        var version = DefinitionsDocument.VersionOf(document);
        return await deadline.AnswerAsync(request, async token =>
        {
            await store.PutInForceAsync(version, document, token);
            return TypedResults.Json(new DefinitionsStored(definitions.Hash, version), statusCode: StatusCodes.Status200OK);
        }, cancellationToken);
    }
}

/// <summary>The answer to an upload: the definitions' hash (as report manifests show it) and the stored document's version.</summary>
public sealed record DefinitionsStored(string Hash, string Version);
