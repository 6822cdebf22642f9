using Funnel.Events.Days;
using Funnel.Functions.Configuration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Aggregation;

/// <summary>
/// One reporting day: plan, run the previous day first if its state is missing, link every shard's devices to users
/// (handing events and joining devices to the shards that fold them), fold every shard, publish the report, announce it. Deterministic: no clock, no I/O, only activities.
/// A day that still fails after the retries ends <c>Failed</c> with the reason and sends <c>run.failed</c>.
/// </summary>
public sealed class DailyAggregationOrchestrator(IOptions<AggregationOptions> options, Funnel.Engine.Processing.ReportingClock clock)
{
    [Function(AggregationFunctionNames.DailyAggregation)]
    public async Task<PublishedReport> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, DayRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(options.Value.ActivityAttempts, options.Value.FirstRetryDelay, backoffCoefficient: 2));
        var day = request.Day;
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        PublishedReport published;
        try
        {
            var plan = await context.CallActivityAsync<DayPlan>(AggregationFunctionNames.PlanDay, new PlanDayRequest(day, context.InstanceId, startedAt), retry);
            var firstRawDay = plan.FirstRawDay
                ?? throw new AggregationRefusedException($"there are no raw events at all, so {ReportingDay.Format(day)} has nothing to report");
            if (day < firstRawDay)
            {
                throw new AggregationRefusedException($"{ReportingDay.Format(day)} is before the first raw day {ReportingDay.Format(firstRawDay)}");
            }
            if (day > firstRawDay && !plan.PreviousDayReady)
            {
                var previous = day.AddDays(-1);
                // No retry policy here: the previous day's own activities retry already, and it announces its own failure.
                await context.CallSubOrchestratorAsync<PublishedReport>(
                    AggregationFunctionNames.DailyAggregation, new DayRunRequest(previous, PreviousDayProvisionalThrough(request, previous)), new SubOrchestrationOptions { InstanceId = AggregationInstances.ForDay(previous) + "-for-" + ReportingDay.Format(day) });
            }

            // Every shard links (and hands on what it read) before any shard folds. The run id keeps a shard's fold to
            // this run's hand-overs; NewGuid is replay-safe, and a new run of the day gets a new one.
            var provisional = request.ProvisionalThrough is not null;
            var run = context.NewGuid().ToString("N");
            var groups = plan.ShardGroups();
            ShardStepRequest Step(IReadOnlyList<int> group) => new(day, group, plan.Shards, firstRawDay, run, provisional, Imports: plan.Imports, ReadAhead: plan.ReadAhead, Definitions: plan.Definitions);
            if (groups.Count == 1)
            {
                // A day that fits in one activity links and folds there, handing events over in memory.
                await EveryGroupAsync(context, groups, plan.Shards, AggregationProgress.FoldStep,
                    g => context.CallActivityAsync<FoldShardResult[]>(AggregationFunctionNames.LinkAndFoldShards, Step(g), retry));
            }
            else
            {
                var linked = await EveryGroupAsync(context, groups, plan.Shards, AggregationProgress.LinkStep,
                    g => context.CallActivityAsync<LinkShardResult[]>(AggregationFunctionNames.LinkShards, Step(g), retry));
                var attempts = linked.SelectMany(l => l).OrderBy(l => l.Shard).Select(l => l.Attempt).ToList();
                await EveryGroupAsync(context, groups, plan.Shards, AggregationProgress.FoldStep,
                    g => context.CallActivityAsync<FoldShardResult[]>(AggregationFunctionNames.FoldShards, Step(g) with { LinkAttempts = attempts }, retry));
            }

            published = await context.CallActivityAsync<PublishedReport>(
                AggregationFunctionNames.PublishReport, new PublishReportRequest(day, plan.Shards, firstRawDay, request.ProvisionalThrough, run, plan.AsOf, plan.Definitions), retry);
        }
        catch (Exception ex) when (ex is TaskFailedException or AggregationRefusedException)
        {
            var reason = ReasonOf(ex);
            // The custom status outlives the failure: the status API reads the reason from it.
            context.SetCustomStatus(new AggregationProgress(0, 0, AggregationProgress.FailedStep, reason));
            await context.CallActivityAsync(AggregationFunctionNames.Notify, new DayOutcome(day, null, reason, context.InstanceId, startedAt), retry);
            throw new AggregationFailedException($"{ReportingDay.Format(day)}: {reason}", ex);
        }
        // Outside the try: the report is out, so a failed announcement must not turn into run.failed.
        await context.CallActivityAsync(AggregationFunctionNames.Notify, new DayOutcome(day, published, null, context.InstanceId, startedAt), retry);
        await Privacy.ErasePersonsOrchestrator.AfterDayAsync(context, day);
        return published;
    }

    /// <summary>Runs one step on every group of shards at once, reports in the custom status how many shards have finished, and returns the results in group order.</summary>
    private static async Task<TResult[][]> EveryGroupAsync<TResult>(TaskOrchestrationContext context, IReadOnlyList<IReadOnlyList<int>> groups, int shards, string step,
        Func<IReadOnlyList<int>, Task<TResult[]>> activity)
    {
        var all = groups.Select(activity).ToList();
        var pending = new List<Task<TResult[]>>(all);
        context.SetCustomStatus(new AggregationProgress(0, shards, step));
        var done = 0;
        while (pending.Count > 0)
        {
            var finished = await Task.WhenAny(pending);
            pending.Remove(finished);
            done += (await finished).Length;
            context.SetCustomStatus(new AggregationProgress(done, shards, step));
        }
        return [.. all.Select(t => t.Result)];
    }

    /// <summary>A provisional run's prerequisite is provisional too while that day is inside the grace period (from the run's own instant, so replays agree).</summary>
    private DateTimeOffset? PreviousDayProvisionalThrough(DayRunRequest request, DateOnly previous) =>
        request.ProvisionalThrough is { } through
        && previous > new Funnel.Engine.Scheduling.ReportingSchedule(clock, TimeSpan.FromMinutes(options.Value.GraceMinutes)).LastClosedDay(through)
            ? through
            : null;

    /// <summary>The innermost failure's message: what went wrong, not which layer passed it on.</summary>
    private static string ReasonOf(Exception ex)
    {
        if (ex is TaskFailedException failed)
        {
            var details = failed.FailureDetails;
            while (details.InnerFailure is not null)
            {
                details = details.InnerFailure;
            }
            return details.ErrorMessage;
        }
        return ex.Message;
    }
}

/// <summary>A day that cannot be run at all (before the first raw day, no raw data).</summary>
public sealed class AggregationRefusedException(string message) : Exception(message);

/// <summary>Ends a day's orchestration as <c>Failed</c>, with the reason as its message.</summary>
public sealed class AggregationFailedException(string message, Exception inner) : Exception(message, inner);
