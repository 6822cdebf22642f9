using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Engine.Scheduling;
using Funnel.Functions.Configuration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Aggregation;

/// <summary>
/// Hourly: starts the run of every reporting day that has closed (plus the grace period) and has no final
/// report, or whose raw events changed after its fold, oldest first, as one orchestration. While any run is still going it waits for the next hour,
/// so starting twice is harmless and a night the app was down is caught up in order.
/// </summary>
public sealed class ScheduleDailyFunction(
    IAggregationStore store,
    ReportingClock clock,
    IOptions<PipelineOptions> pipeline,
    IOptions<AggregationOptions> options,
    TimeProvider time,
    ILogger<ScheduleDailyFunction> logger)
{
    /// <summary>At minute 0 of every hour, UTC (the day boundaries themselves are computed in the reporting zone).</summary>
    public const string Schedule = "0 0 * * * *";

    [Function(AggregationFunctionNames.ScheduleDaily)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var started = await StartDueDaysAsync(client, cancellationToken);
        if (started is not null)
        {
            logger.LogInformation("Started {Instance}", started);
        }
    }

    /// <summary>Returns the instance id started, or null when nothing was due or a run is still going.</summary>
    public async Task<string?> StartDueDaysAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var prefix in AggregationInstances.Prefixes)
        {
            var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], InstanceIdPrefix = prefix, PageSize = 1 };
            await foreach (var running in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
            {
                logger.LogInformation("A run is still going ({Instance}); due days wait for the next hour", running.InstanceId);
                return null;
            }
        }
        var schedule = new ReportingSchedule(clock, TimeSpan.FromMinutes(options.Value.GraceMinutes));
        var first = await store.FirstRawDayAsync(cancellationToken);
        var finalDays = await store.FinalReportDaysAsync(cancellationToken);
        var due = schedule.DueDays(time.GetUtcNow(), first, finalDays.Contains).ToList();
        // A final day whose raw folder got events after its fold runs again, and every later day with it (each folds on the one before).
        var lastClosed = schedule.LastClosedDay(time.GetUtcNow());
        foreach (var day in finalDays.Where(d => d > lastClosed.AddDays(-options.Value.RecheckDays) && d <= lastClosed).Order())
        {
            if (await store.HasRawAfterFoldAsync(day, pipeline.Value.Shards, cancellationToken))
            {
                logger.LogWarning("Raw events of {Day} arrived after its report; running it and the days after it again", day);
                for (var again = day; again <= lastClosed; again = again.AddDays(1))
                {
                    due.Add(again);
                }
                break;
            }
        }
        due = due.Distinct().Order().ToList();
        if (due.Count == 0)
        {
            return null;
        }
        var instanceId = due.Count == 1 ? AggregationInstances.ForDay(due[0]) : AggregationInstances.ForDays(due);
        var start = new StartOrchestrationOptions(instanceId);
        if (due.Count == 1)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.DailyAggregation, new DayRunRequest(due[0]), start, cancellationToken);
        }
        else
        {
            await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.AggregateDays, new DaysRequest(due), start, cancellationToken);
        }
        return instanceId;
    }
}
