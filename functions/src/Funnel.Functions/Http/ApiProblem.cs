using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Funnel.Functions.Http;

/// <summary>The error answer of the ops and reports APIs: the field at fault and the reason.</summary>
public static class ApiProblem
{
    public static JsonHttpResult<ApiErrors> Of(int status, string field, string reason) =>
        TypedResults.Json(new ApiErrors([new ApiError(field, reason)]), statusCode: status);

    /// <summary>A 400 naming every problem of a document at once.</summary>
    public static JsonHttpResult<ApiErrors> Every(IEnumerable<ApiError> errors) =>
        TypedResults.Json(new ApiErrors([.. errors]), statusCode: StatusCodes.Status400BadRequest);
}

public sealed record ApiErrors(IReadOnlyList<ApiError> Errors);

/// <summary>What was wrong with a request: the field and the reason.</summary>
public sealed record ApiError(string Field, string Reason);
