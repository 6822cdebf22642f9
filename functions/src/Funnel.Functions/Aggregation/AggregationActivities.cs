using System.Text.Json;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Identity;
using Funnel.Engine.Notifications;
using Funnel.Events;
using Funnel.Events.Ingest;
using Funnel.Functions.Configuration;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Storage.Aggregation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Aggregation;

/// <summary>The daily run's activities: thin calls into the domain's <see cref="DailyPipeline"/> and <see cref="DayRun"/>. Each overwrites by name, so a retry writes the same bytes.</summary>
public sealed class AggregationActivities(
    Definitions.DefinitionsInForce definitions,
    ISpendTable spend,
    DailyPipeline dailyPipeline,
    IAggregationStore store,
    IDailyMetricsTable dailyMetrics,
    IIngestRefusalCounters refusalCounters,
    IPipelineNotifier notifier,
    ISentNotifications sent,
    IRunHistory runs,
    IOptions<PipelineOptions> pipeline,
    IOptions<ReportingOptions> reporting,
    IOptions<AggregationOptions> aggregation,
    TimeProvider time,
    Funnel.Engine.Processing.ReportingClock clock,
    ILogger<AggregationActivities> logger)
{
    [Function(AggregationFunctionNames.PlanDay)]
    public async Task<DayPlan> PlanDayAsync([ActivityTrigger] PlanDayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = request.Day;
        await runs.RecordAsync(new RunRecord(day, request.InstanceId, RunRecord.Running, request.StartedAt), cancellationToken);
        // The document in force now is the run's to the end, whatever is uploaded meanwhile.
        var version = await definitions.VersionInForceAsync(cancellationToken);
        var shards = pipeline.Value.Shards;
        var allImports = new HistoryImports(await store.ReadImportsAsync(cancellationToken));
        var first = await store.FirstRawDayAsync(cancellationToken);
        // History imported for days before any raw folder: the first of them is the first day to run.
        foreach (var import in allImports.All)
        {
            first = first is { } f0 && f0 <= import.From ? f0 : import.From;
        }
        var ready = true;
        var bytes = await store.RawBytesAsync(day, cancellationToken);
        if (first is { } f && day > f)
        {
            var previous = await store.StatesAsync(day.AddDays(-1), shards, cancellationToken);
            ready = previous.All(s => s is { Final: true });
            bytes += previous.Sum(s => s?.Bytes ?? 0);
        }
        // A day that fits in one activity runs in one; a larger one in as many as it needs, at most one per shard.
        var activities = (int)Math.Clamp((bytes + aggregation.Value.BytesPerActivity - 1) / aggregation.Value.BytesPerActivity, 1, shards);
        var imports = allImports.For(day, clock.DayOf);
        if (imports.IsEmpty)
        {
            return new DayPlan(shards, first, ready) { Activities = activities, Definitions = version };
        }
        var through = imports.ReadsThrough(day, clock.DayOf);
        var readAhead = through > day ? await store.RawDaysAsync(day, through, cancellationToken) : [];
        return new DayPlan(shards, first, ready, imports.All, readAhead, imports.AsOfFor(day, clock.DayOf)) { Activities = activities, Definitions = version };
    }

    /// <summary>The day's link step on each shard of a group, one after the other (<see cref="DailyPipeline.LinkShardsAsync"/>).</summary>
    [Function(AggregationFunctionNames.LinkShards)]
    public async Task<LinkShardResult[]> LinkShardsAsync([ActivityTrigger] ShardStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcomes = await (await PipelineForAsync(request.Definitions, cancellationToken)).LinkShardsAsync([.. request.Group.Select(request.Step)], cancellationToken);
        return [.. request.Group.Zip(outcomes, (shard, outcome) => Logged(request.Day, shard, outcome))];
    }

    /// <summary>A day small enough for one activity: both steps on every shard, hand-overs in memory (<see cref="DailyPipeline.LinkAndFoldAsync"/>).</summary>
    [Function(AggregationFunctionNames.LinkAndFoldShards)]
    public async Task<FoldShardResult[]> LinkAndFoldShardsAsync([ActivityTrigger] ShardStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var done = await (await PipelineForAsync(request.Definitions, cancellationToken)).LinkAndFoldAsync([.. request.Group.Select(request.Step)], request.Provisional, cancellationToken);
        return [.. request.Group.Zip(done, (shard, d) =>
        {
            Logged(request.Day, shard, d.Link);
            return new FoldShardResult(shard, d.Fold.Folded, d.Fold.DuplicatesDropped, d.Fold.Late, d.Fold.Malformed);
        })];
    }

    /// <summary>The day's steps with the definitions the run started with.</summary>
    private async Task<DailyPipeline> PipelineForAsync(string? version, CancellationToken cancellationToken) =>
        dailyPipeline.With(await definitions.RunAsync(version, cancellationToken));

    /// <summary>Logs what a shard's link step did (devices it could not link, malformed lines, counts) and returns it as the orchestration sees it.</summary>
    private LinkShardResult Logged(DateOnly day, int shard, LinkOutcome outcome)
    {
        if (outcome.ForeignDevices > 0)
        {
            logger.LogWarning("Shard {Shard} of {Day}: {Devices} devices are named by calls stored outside their own shard (raw written by an earlier version) and were not linked",
                shard, day, outcome.ForeignDevices);
        }
        foreach (var line in outcome.Malformed.Take(10))
        {
            logger.LogWarning("Skipped malformed raw line {File}:{Line}: {Reason}", line.File, line.Line, line.Reason);
        }
        logger.LogInformation("Shard {Shard} of {Day}: {Events} raw events read, {Links} devices linked, {HandedOn} events handed to other shards",
            shard, day, outcome.EventsRead, outcome.LinksMade, outcome.EventsHandedOn);
        return new LinkShardResult(shard, outcome.Attempt, outcome.EventsRead, outcome.LinksMade, outcome.EventsHandedOn, outcome.Malformed.Count);
    }

    /// <summary>The day's fold step on each shard of a group, one after the other (<see cref="DailyPipeline.FoldShardsAsync"/>).</summary>
    [Function(AggregationFunctionNames.FoldShards)]
    public async Task<FoldShardResult[]> FoldShardsAsync([ActivityTrigger] ShardStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var attempts = request.LinkAttempts ?? throw new ArgumentException($"{nameof(request.LinkAttempts)}: a fold needs every shard's link attempt", nameof(request));
        var folded = await (await PipelineForAsync(request.Definitions, cancellationToken)).FoldShardsAsync([.. request.Group.Select(request.Step)], attempts, request.Provisional, cancellationToken);
        return [.. request.Group.Zip(folded, (shard, counts) => new FoldShardResult(shard, counts.Folded, counts.DuplicatesDropped, counts.Late, counts.Malformed))];
    }

    [Function(AggregationFunctionNames.PublishReport)]
    public async Task<PublishedReport> PublishReportAsync([ActivityTrigger] PublishReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = await definitions.RunAsync(request.Definitions, cancellationToken);
        var partials = new List<ReportFigures>(request.Shards);
        for (var s = 0; s < request.Shards; s++)
        {
            using var input = new MemoryStream(await store.ReadPartialAsync(request.Day, s, cancellationToken));
            partials.Add(ReportFiguresCodec.Read(input, $"partials/{BlobAggregationStore.PartialBlob(request.Day, s)}"));
        }
        var rejected = await refusalCounters.ReadAsync(request.Day, cancellationToken);
        var spent = await spend.ReadAsync(request.Day.AddDays(1 - MoneyMetric.AcquisitionDays), request.Day, cancellationToken);
        var (assembled, audiences) = run.Publish(request.Day, partials, request.FirstRawDay, time.GetUtcNow(), request.ProvisionalThrough, rejected, request.AsOf, spent);
        var report = ReportComparisons.Attach(assembled, await EarlierFiguresAsync(assembled, request.Day, cancellationToken), run.Definitions.Targets);
        var provisional = request.ProvisionalThrough is not null;
        var headline = HeadlineFigures.Of(report);
        var trend = await TrendAsync(report, cancellationToken);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["report.json"] = ReportJson.Serialize(report),
            ["report.csv"] = ReportCsv.Render(report),
            ["report.html"] = ReportHtml.Render(report, trend, reporting.Value.Language),
        };
        foreach (var (name, bytes) in AudienceCsv.Render(audiences))
        {
            files[name] = bytes;
        }
        var addresses = await store.WriteReportAsync(request.Day, files, provisional, cancellationToken);
        await store.DeleteHandOversAsync(request.Day, request.Run, TimeSpan.FromHours(6), cancellationToken);
        await dailyMetrics.WriteAsync(request.Day, ReportComparisons.StoredFigures(report), provisional, cancellationToken);
        logger.LogInformation("Published the {Provisional}report of {Day}: {Events} events folded", provisional ? "provisional " : "", request.Day, report.Events.Folded);
        var missed = report.Targets?.Where(t => t.Status == TargetResult.Red).ToList();
        return new PublishedReport(request.Day, addresses, headline, provisional, missed is { Count: > 0 } ? missed : null);
    }

    /// <summary>The stored figures the report's comparisons read: the 28 days before the report day (days without a row are absent).</summary>
    private async Task<Dictionary<string, IReadOnlyDictionary<DateOnly, double>>> EarlierFiguresAsync(DailyReport report, DateOnly day, CancellationToken cancellationToken)
    {
        var earlier = new Dictionary<string, IReadOnlyDictionary<DateOnly, double>>(StringComparer.Ordinal);
        foreach (var name in ReportComparisons.ComparedFigures(report))
        {
            earlier[name] = await dailyMetrics.ReadAsync(name, day.AddDays(-ReportComparisons.Days), day.AddDays(-1), cancellationToken);
        }
        return earlier;
    }

    /// <summary>The last 90 days of DAU, WAU, MAU and stickiness: earlier days from the DailyMetrics table, the report day from its own figures.</summary>
    private async Task<List<ActivityPoint>> TrendAsync(DailyReport report, CancellationToken cancellationToken)
    {
        var today = ActivityPoint.Of(report);
        var (from, to) = (today.Day.AddDays(-89), today.Day.AddDays(-1));
        var series = new Dictionary<string, IReadOnlyDictionary<DateOnly, double>>(StringComparer.Ordinal);
        foreach (var metric in new[] { "activity.dau", "activity.wau", "activity.mau", "activity.stickiness" })
        {
            series[metric] = await dailyMetrics.ReadAsync(metric, from, to, cancellationToken);
        }
        var points = series["activity.dau"].Keys
            .Select(d => new ActivityPoint(d, series["activity.dau"][d], series["activity.wau"].GetValueOrDefault(d), series["activity.mau"].GetValueOrDefault(d), series["activity.stickiness"].GetValueOrDefault(d)))
            .ToList();
        points.Add(today);
        return points;
    }

    [Function(AggregationFunctionNames.Notify)]
    public async Task NotifyAsync([ActivityTrigger] DayOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        PipelineNotification notification = outcome.Published is { } published
            ? new ReportPublished(outcome.Day, published.Reports, published.Headline, published.Provisional)
            : new RunFailed(outcome.Day, outcome.FailureReason ?? "unknown");
        if (outcome.InstanceId.Length > 0)
        {
            await runs.RecordAsync(new RunRecord(outcome.Day, outcome.InstanceId, outcome.Published is null ? RunRecord.Failed : RunRecord.Completed,
                outcome.StartedAt, time.GetUtcNow(), outcome.FailureReason), cancellationToken);
        }
        await notifier.NotifyAsync(notification, cancellationToken);
        // A provisional report's figures are still moving: only the final report announces missed targets.
        if (outcome.Published is { Provisional: false, MissedTargets: { } missed })
        {
            foreach (var target in missed)
            {
                var alert = new TargetMissed(outcome.Day, target.Figure, target.Actual.GetValueOrDefault(), target.Target, target.Better, target.Attainment);
                // Once per day and figure: a day run again (or this activity retried) finds it in the log and does not send it again.
                if (!await sent.WasSentAsync(alert, cancellationToken))
                {
                    await notifier.NotifyAsync(alert, cancellationToken);
                }
            }
        }
    }
}
