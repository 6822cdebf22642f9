using Funnel.Engine.Processing;
using Funnel.Events.Days;
using Funnel.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Funnel.Functions.Aggregation;

/// <summary>
/// The operators' API for the daily run: backfill a range, run one day (today's run is provisional),
/// read a day's latest run. Function-level keys (<c>x-functions-key</c>). Under <c>ops/</c>, not
/// <c>admin/</c>: the Functions host reserves routes starting with <c>admin</c> for itself.
/// </summary>
public sealed class AggregationApi(ReportingClock clock, TimeProvider time, Microsoft.Extensions.Options.IOptions<Configuration.AggregationOptions> options,
    Funnel.Engine.Aggregation.IRunHistory runs, StorageDeadline deadline, Funnel.Engine.Aggregation.IAggregationStore store)
{
    public const string RangeRoute = "ops/aggregations";
    public const string ImportRoute = "ops/imports";

    /// <summary>Longest history an import may run again: ingest accepts timestamps up to two years back.</summary>
    public const int MaxImportDays = 800;
    public const string DayRoute = "ops/aggregations/{day}";

    /// <summary>Longest backfill one request may start.</summary>
    public const int MaxRangeDays = 400;

    [Function("StartAggregations")]
    public async Task<IResult> StartRangeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = RangeRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (!ReportingDay.TryParse(request.Query["from"], out var from))
        {
            return Problem(StatusCodes.Status400BadRequest, "from", "required: the first day to run, as yyyy-MM-dd");
        }
        if (!ReportingDay.TryParse(request.Query["to"], out var to))
        {
            return Problem(StatusCodes.Status400BadRequest, "to", "required: the last day to run, as yyyy-MM-dd");
        }
        if (to < from)
        {
            return Problem(StatusCodes.Status400BadRequest, "to", $"{ReportingDay.Format(to)} is before from {ReportingDay.Format(from)}");
        }
        if (to.DayNumber - from.DayNumber + 1 > MaxRangeDays)
        {
            return Problem(StatusCodes.Status400BadRequest, "to", $"a backfill covers at most {MaxRangeDays} days; split the range");
        }
        var lastClosed = Schedule().LastClosedDay(time.GetUtcNow());
        if (to > lastClosed)
        {
            return Problem(StatusCodes.Status400BadRequest, "to", $"{ReportingDay.Format(to)} has not closed yet, grace period included (the last closed day is {ReportingDay.Format(lastClosed)} in {clock.Zone.Id}); run it alone with POST /{RangeRoute}/{{day}} for a provisional report");
        }
        var (days, instanceId) = Range(from, to);
        if (await IsRunningAsync(client, instanceId, cancellationToken))
        {
            return RangeRunning(instanceId);
        }
        await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.AggregateDays, new DaysRequest(days), new StartOrchestrationOptions(instanceId), cancellationToken);
        return Accepted(request, instanceId, to);
    }

    /// <summary>
    /// Runs every day from <c>from</c> to the last closed day again <em>as of now</em>: raw received up to now counts on the
    /// day it happened (history sent today with past timestamps reaches its days). Recorded, so later runs of those days
    /// (and the days after) agree with it; each report's manifest says <c>asOf</c>.
    /// </summary>
    [Function("StartImport")]
    public async Task<IResult> StartImportAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = ImportRoute)] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (!ReportingDay.TryParse(request.Query["from"], out var from))
        {
            return Problem(StatusCodes.Status400BadRequest, "from", "required: the first day the history covers, as yyyy-MM-dd");
        }
        var now = time.GetUtcNow();
        var to = Schedule().LastClosedDay(now);
        if (from > to)
        {
            return Problem(StatusCodes.Status400BadRequest, "from", $"{ReportingDay.Format(from)} has not closed yet (the last closed day is {ReportingDay.Format(to)} in {clock.Zone.Id})");
        }
        if (to.DayNumber - from.DayNumber + 1 > MaxImportDays)
        {
            return Problem(StatusCodes.Status400BadRequest, "from", $"an import runs at most {MaxImportDays} days again (from {ReportingDay.Format(from)} to {ReportingDay.Format(to)} is {to.DayNumber - from.DayNumber + 1})");
        }
        var (days, instanceId) = Range(from, to);
        if (await IsRunningAsync(client, instanceId, cancellationToken))
        {
            return RangeRunning(instanceId);
        }
        return await deadline.AnswerAsync(request, async token =>
        {
            await store.AddImportAsync(new Funnel.Engine.Aggregation.HistoryImport(from, now), token);
            await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.AggregateDays, new DaysRequest(days), new StartOrchestrationOptions(instanceId), cancellationToken);
            var statusUrl = PublicLinks.To(request, $"{RangeRoute}/{ReportingDay.Format(to)}");
            return TypedResults.Json(new ImportStarted(instanceId, statusUrl, ReportingDay.Format(from), ReportingDay.Format(to), Funnel.Events.Ingest.Iso8601.Format(now)), statusCode: StatusCodes.Status202Accepted);
        }, cancellationToken);
    }

    [Function("StartAggregation")]
    public async Task<IResult> StartDayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = DayRoute)] HttpRequest request,
        string day,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        if (!ReportingDay.TryParse(day, out var date))
        {
            return Problem(StatusCodes.Status400BadRequest, "day", ReportingDay.NotADay(day));
        }
        var now = time.GetUtcNow();
        var today = clock.DayOf(now);
        if (date > today)
        {
            return Problem(StatusCodes.Status400BadRequest, "day", $"{day} is in the future (today is {ReportingDay.Format(today)} in {clock.Zone.Id})");
        }
        var instanceId = AggregationInstances.ForDay(date);
        if (await IsRunningAsync(client, instanceId, cancellationToken))
        {
            return Problem(StatusCodes.Status409Conflict, "day", $"{instanceId} is already running");
        }
        // A day still open, or closed less than the grace period ago (messages may still be queued), runs provisionally.
        var run = new DayRunRequest(date, date > Schedule().LastClosedDay(now) ? now : null);
        await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.DailyAggregation, run, new StartOrchestrationOptions(instanceId), cancellationToken);
        return Accepted(request, instanceId, date);
    }

    [Function("GetAggregation")]
    public async Task<IResult> GetDayAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DayRoute)] HttpRequest request,
        string day,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!ReportingDay.TryParse(day, out var date))
        {
            return Problem(StatusCodes.Status400BadRequest, "day", ReportingDay.NotADay(day));
        }
        return await deadline.AnswerAsync(request, token => DayStatusAsync(client, date, token), cancellationToken);
    }

    private async Task<IResult> DayStatusAsync(DurableTaskClient client, DateOnly date, CancellationToken cancellationToken)
    {
        var day = ReportingDay.Format(date);
        var latest = await LatestRunAsync(client, date, cancellationToken);
        // A backfill started since the day's last run has not reached the day yet: the day is pending in it.
        if (await PendingRangeAsync(client, date, latest?.CreatedAt, cancellationToken) is { } range)
        {
            return TypedResults.Ok(new AggregationStatus(range.InstanceId, "Pending", null, range.CreatedAt, null, null, null, null));
        }
        if (latest is null)
        {
            // The Durable host knows no run (it restarted and kept its history in memory): answer from the app's own record.
            return await runs.LatestAsync(date, cancellationToken) is { } stored
                ? TypedResults.Ok(FromRecord(stored))
                : Problem(StatusCodes.Status404NotFound, "day", $"no run of {day} is known to this app");
        }
        var progress = latest.SerializedCustomStatus is null ? null : latest.ReadCustomStatusAs<AggregationProgress>();
        var terminal = latest.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
        var failed = latest.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
        return TypedResults.Ok(new AggregationStatus(
            latest.InstanceId,
            StatusName(latest.RuntimeStatus),
            failed ? progress?.Reason ?? latest.FailureDetails?.ErrorMessage ?? "the run ended without saying why (terminated)" : null,
            latest.CreatedAt,
            terminal ? latest.LastUpdatedAt : null,
            failed ? null : progress?.ShardsDone,
            failed ? null : progress?.Shards,
            failed ? null : progress?.Step));
    }

    /// <summary>A stored run as the status API tells it; one stored as running that no host knows any more was cut short with its host.</summary>
    private static AggregationStatus FromRecord(Funnel.Engine.Aggregation.RunRecord run) => run.Status == Funnel.Engine.Aggregation.RunRecord.Running
        ? new AggregationStatus(run.InstanceId, Funnel.Engine.Aggregation.RunRecord.Interrupted,
            $"cut short: the run started at {Funnel.Events.Ingest.Iso8601.Format(run.StartedAt)} never finished (the host stopped while it ran); start the day again", run.StartedAt, null, null, null)
        : new AggregationStatus(run.InstanceId, run.Status, run.Reason, run.StartedAt, run.EndedAt, null, null);

    private Funnel.Engine.Scheduling.ReportingSchedule Schedule() => new(clock, TimeSpan.FromMinutes(options.Value.GraceMinutes));

    /// <summary>The newest orchestration of <paramref name="day"/>: started for it directly, by a backfill, or as another day's prerequisite.</summary>
    public static async Task<OrchestrationMetadata?> LatestRunAsync(DurableTaskClient client, DateOnly day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        OrchestrationMetadata? latest = null;
        var query = new OrchestrationQuery { InstanceIdPrefix = AggregationInstances.ForDay(day), FetchInputsAndOutputs = true };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (latest is null || instance.CreatedAt > latest.CreatedAt)
            {
                latest = instance;
            }
        }
        return latest;
    }

    /// <summary>A backfill (<c>days-{from}-{to}</c>) covering <paramref name="day"/>, still going, started after <paramref name="after"/>.</summary>
    private static async Task<OrchestrationMetadata?> PendingRangeAsync(DurableTaskClient client, DateOnly day, DateTimeOffset? after, CancellationToken cancellationToken)
    {
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = "days-",
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
        };
        await foreach (var range in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            var parts = range.InstanceId["days-".Length..];
            if (parts.Length == 21 && ReportingDay.TryParse(parts[..10], out var from) && ReportingDay.TryParse(parts[11..], out var to)
                && from <= day && day <= to && (after is null || range.CreatedAt > after))
            {
                return range;
            }
        }
        return null;
    }

    /// <summary>Every day from <paramref name="from"/> to <paramref name="to"/>, and the one <c>AggregateDays</c> instance that runs them.</summary>
    private static (List<DateOnly> Days, string InstanceId) Range(DateOnly from, DateOnly to)
    {
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        return (days, AggregationInstances.ForDays(days));
    }

    private static JsonHttpResult<ApiErrors> RangeRunning(string instanceId) => Problem(StatusCodes.Status409Conflict, "from", $"{instanceId} is already running");

    private static async Task<bool> IsRunningAsync(DurableTaskClient client, string instanceId, CancellationToken cancellationToken)
    {
        var existing = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken);
        return existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending };
    }

    private static string StatusName(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Pending => "Pending",
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended => "Running",
        OrchestrationRuntimeStatus.Completed => "Completed",
        _ => "Failed",
    };

    private static JsonHttpResult<AggregationStarted> Accepted(HttpRequest request, string instanceId, DateOnly statusDay)
    {
        var statusUrl = PublicLinks.To(request, $"{RangeRoute}/{ReportingDay.Format(statusDay)}");
        return TypedResults.Json(new AggregationStarted(instanceId, statusUrl), statusCode: StatusCodes.Status202Accepted);
    }

    private static JsonHttpResult<ApiErrors> Problem(int status, string field, string reason) => ApiProblem.Of(status, field, reason);
}

/// <summary>202 answer: the orchestration started and where to watch it.</summary>
public sealed record AggregationStarted(string InstanceId, string StatusUrl);

/// <summary>202 answer to an import: the backfill that runs the days again as of <see cref="AsOf"/>, and where to watch its last day.</summary>
public sealed record ImportStarted(string InstanceId, string StatusUrl, string From, string To, string AsOf);

/// <summary>A day's latest run as the status API reports it.</summary>
public sealed record AggregationStatus(string InstanceId, string Status, string? Reason, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int? ShardsDone, int? Shards, string? Step = null);
