using System.Text.Json;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;
using Funnel.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Functions.Privacy;

/// <summary>
/// The operators' erasure API (function keys, <c>x-functions-key</c>): <c>POST /ops/privacy/erasures</c>
/// with <c>{"userId": …}</c> or <c>{"anonymousId": …}</c> accepts a request; <c>GET /ops/privacy/erasures/{id}</c>
/// says where it stands and what was removed. Under <c>ops/</c>: the Functions host reserves routes starting with <c>admin</c>.
/// </summary>
public sealed class ErasureApi(ErasureIntake intake, IErasureLog log, IngestLimits limits, StorageDeadline deadline)
{
    public const string Route = "ops/privacy/erasures";
    public const string RequestRoute = "ops/privacy/erasures/{id}";
    private const int MaxBodyBytes = 4096;

    [Function("RequestErasure")]
    public async Task<IResult> RequestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await BoundedBody.ReadAsync(request, MaxBodyBytes, cancellationToken) is not { } bytes)
        {
            return ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "body", $"is over {MaxBodyBytes} bytes; send only {{\"userId\": …}} or {{\"anonymousId\": …}}");
        }
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "body", ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                ? "repeats a property name; send each of userId or anonymousId once"
                : "is not JSON; send {\"userId\": …} or {\"anonymousId\": …}");
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "body", "must be a JSON object with userId or anonymousId");
        }
        var named = new[] { ErasureIntake.UserIdKind, ErasureIntake.AnonymousIdKind }.Where(k => body.TryGetProperty(k, out _)).ToList();
        if (named.Count != 1)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "userId", named.Count == 0
                ? "required: userId or anonymousId, the id to erase"
                : "name one id only: userId or anonymousId (a user's linked devices are erased with the user)");
        }
        var kind = named[0];
        var value = body.GetProperty(kind);
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, kind, "must be a non-empty string");
        }
        if (value.GetString()!.Length > limits.MaxIdLength)
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, kind, $"is over the {limits.MaxIdLength}-character limit of ids");
        }
        return await deadline.AnswerAsync(request, async ct => Accepted(request, await intake.AcceptAsync(kind, value.GetString()!, ct)), cancellationToken);
    }

    private static JsonHttpResult<ErasureStatusAnswer> Accepted(HttpRequest request, ErasureRequest accepted)
    {
        var statusUrl = PublicLinks.To(request, $"{Route}/{accepted.Id}");
        return TypedResults.Json(ErasureStatusAnswer.Of(accepted, statusUrl), statusCode: StatusCodes.Status202Accepted);
    }

    [Function("GetErasure")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = RequestRoute)] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(char.IsAsciiLetterOrDigit))
        {
            return ApiProblem.Of(StatusCodes.Status400BadRequest, "id", "is not an erasure id (32 hexadecimal digits)");
        }
        return await deadline.AnswerAsync(request, async ct => await log.GetAsync(id, ct) is { } found
            ? TypedResults.Json(ErasureStatusAnswer.Of(found, PublicLinks.To(request, $"{Route}/{found.Id}")))
            : ApiProblem.Of(StatusCodes.Status404NotFound, "id", $"no erasure request {id}"), cancellationToken);
    }
}

/// <summary>An erasure request as the API shows it: no id of the person, only where it stands and the counts.</summary>
public sealed record ErasureStatusAnswer(
    string Id, string IdKind, string Status, DateTimeOffset AcceptedAt, DateTimeOffset? CompletedAt,
    ErasureCounts Removed, string? Remaining, string StatusUrl)
{
    public static ErasureStatusAnswer Of(ErasureRequest request, string statusUrl)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.Id, request.IdKind, request.Status.ToString(), request.AcceptedAt, request.CompletedAt, request.Removed, request.Remaining, statusUrl);
    }
}
