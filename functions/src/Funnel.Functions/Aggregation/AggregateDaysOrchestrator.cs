using Funnel.Events.Days;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Funnel.Functions.Aggregation;

/// <summary>Runs several days in order, each as its own <c>DailyAggregation</c> (a backfill, or the scheduler catching up); stops at the first day that fails.</summary>
public static class AggregateDaysOrchestrator
{
    [Function(AggregationFunctionNames.AggregateDays)]
    public static async Task<int> RunAsync([OrchestrationTrigger] TaskOrchestrationContext context, DaysRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var done = 0;
        foreach (var day in request.Days.Order())
        {
            context.SetCustomStatus(new { daysDone = done, days = request.Days.Count, running = ReportingDay.Format(day) });
            await context.CallSubOrchestratorAsync<PublishedReport>(
                AggregationFunctionNames.DailyAggregation, new DayRunRequest(day), new SubOrchestrationOptions { InstanceId = AggregationInstances.ForDay(day) + "-in-" + context.InstanceId });
            done++;
        }
        context.SetCustomStatus(new { daysDone = done, days = request.Days.Count });
        return done;
    }
}
