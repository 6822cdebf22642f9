using Funnel.Engine.Erasure;
using Funnel.Events.Privacy;
using Funnel.Functions.Configuration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Privacy;

/// <summary>
/// One erasure round, at the end of every daily run: the pending requests, one <c>EraseShard</c> per
/// shard holding an erased person (raw slices, snapshots, partials) and one pass over the reports
/// container's other files, in parallel, then each request completes when no part found the person left.
/// </summary>
public sealed class ErasePersonsOrchestrator(IOptions<AggregationOptions> options)
{
    [Function(PrivacyFunctionNames.ErasePersons)]
    public async Task<int> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, DateOnly afterDay)
    {
        ArgumentNullException.ThrowIfNull(context);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(options.Value.ActivityAttempts, options.Value.FirstRetryDelay, backoffCoefficient: 2));
        var pending = await context.CallActivityAsync<List<ErasureRequest>>(PrivacyFunctionNames.ListPendingErasures, afterDay, retry);
        if (pending.Count == 0)
        {
            return 0;
        }
        var parts = pending.SelectMany(r => r.Shards).Distinct().Order()
            .Select(shard => context.CallActivityAsync<ErasureTally>(
                PrivacyFunctionNames.EraseShard, new EraseShardRequest(shard, pending.Where(r => r.Shards.Contains(shard)).ToList()), retry))
            .Append(context.CallActivityAsync<ErasureTally>(PrivacyFunctionNames.ErasePersonFiles, pending, retry))
            .ToList();
        var tallies = await Task.WhenAll(parts);
        return await context.CallActivityAsync<int>(
            PrivacyFunctionNames.CompleteErasures, new CompleteErasuresRequest(pending.Select(r => r.Id).ToList(), tallies), retry);
    }

    /// <summary>Runs a round after a day's run; a round that fails leaves its requests pending for the next run instead of failing the day.</summary>
    public static async Task AfterDayAsync(TaskOrchestrationContext context, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.CallSubOrchestratorAsync<int>(PrivacyFunctionNames.ErasePersons, day);
        }
        catch (TaskFailedException ex)
        {
            context.CreateReplaySafeLogger<ErasePersonsOrchestrator>().LogErasureRoundFailed(day, ex.Message);
        }
    }
}
