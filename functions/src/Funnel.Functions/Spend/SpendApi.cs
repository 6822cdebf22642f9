using Funnel.Functions.Definitions;
using Funnel.Functions.Http;
using Funnel.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Functions.Spend;

/// <summary>
/// <c>PUT /ops/spend</c> (function key): a UTF-8 CSV with the header <c>day,channel,amount,currency</c>. Every row is stored
/// (a day and channel already stored is replaced), or none is and the answer names each bad row and column. Spend is data,
/// not definitions: changing it changes no hash and reruns nothing; the next reports read it.
/// </summary>
public sealed class SpendApi(ISpendTable spend, DefinitionsInForce definitions, StorageDeadline deadline)
{
    public const string Route = "ops/spend";

    /// <summary>About 40,000 rows: years of daily spend for dozens of channels.</summary>
    public const int MaxBodyBytes = 2 * 1024 * 1024;

    [Function("PutSpend")]
    public async Task<IResult> PutAsync(
        [HttpTrigger(AuthorizationLevel.Function, "put", Route = Route)] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (text, refusal) = await BoundedBody.ReadTextAsync(request, MaxBodyBytes, $"is over {MaxBodyBytes / 1024 / 1024} MiB; upload the spend in parts", cancellationToken);
        if (text is null)
        {
            return refusal!;
        }
        return await deadline.AnswerAsync(request, async token =>
        {
            // Amounts are in the reports' currency: the definitions in force say which.
            var currency = (await definitions.RunInForceAsync(token)).Definitions.Currency;
            var (rows, problems) = SpendCsv.Parse(text, currency);
            if (problems.Count > 0)
            {
                return ApiProblem.Every(problems.Select(p => new ApiError($"row {p.Row}: {p.Column}", p.Reason)));
            }
            await spend.PutAsync(rows, token);
            return TypedResults.Json(new SpendStored(rows.Count), statusCode: StatusCodes.Status200OK);
        }, cancellationToken);
    }
}

/// <summary>The answer to a spend upload: how many rows were stored.</summary>
public sealed record SpendStored(int Rows);
