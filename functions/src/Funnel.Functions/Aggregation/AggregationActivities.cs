using System.Text.Json;
using Funnel.Domain.Aggregation;
using Funnel.Domain.Events;
using Funnel.Domain.Identity;
using Funnel.Domain.Ingest;
using Funnel.Domain.Metrics;
using Funnel.Domain.Notifications;
using Funnel.Domain.Reports;
using Funnel.Domain.Reports.Rendering;
using Funnel.Functions.Configuration;
using Funnel.Storage.Aggregation;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Aggregation;

/// <summary>The daily run's activities: the I/O around the domain's <see cref="DayRun"/>. Each overwrites by name, so a retry writes the same bytes.</summary>
public sealed class AggregationActivities(
    DayRun run,
    IAggregationStore store,
    IDailyMetricsTable dailyMetrics,
    IIngestRefusalCounters refusalCounters,
    IPipelineNotifier notifier,
    IOptions<PipelineOptions> pipeline,
    IOptions<ReportingOptions> reporting,
    TimeProvider time,
    Funnel.Domain.Privacy.ErasedPersonsCache erasedPersons,
    ILogger<AggregationActivities> logger)
{
    [Function(AggregationFunctionNames.PlanDay)]
    public async Task<DayPlan> PlanDayAsync([ActivityTrigger] DateOnly day, CancellationToken cancellationToken)
    {
        var shards = pipeline.Value.Shards;
        var first = await store.FirstRawDayAsync(cancellationToken);
        var ready = true;
        if (first is { } f && day > f)
        {
            for (var s = 0; s < shards && ready; s++)
            {
                ready = await store.HasFinalStateAsync(s, day.AddDays(-1), cancellationToken);
            }
        }
        return new DayPlan(shards, first, ready);
    }

    [Function(AggregationFunctionNames.FoldShard)]
    public async Task<FoldShardResult> FoldShardAsync([ActivityTrigger] FoldShardRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (day, shard) = (request.Day, request.Shard);
        ShardState state;
        if (day == request.FirstRawDay)
        {
            state = new ShardState();
        }
        else
        {
            var previous = day.AddDays(-1);
            var bytes = await store.ReadStateAsync(shard, previous, cancellationToken)
                ?? throw new InvalidOperationException($"state/{BlobAggregationStore.StateBlob(shard, previous)} is missing: run {previous:yyyy-MM-dd} first");
            using var input = new MemoryStream(bytes);
            state = run.ReadSnapshot(input, $"state/{BlobAggregationStore.StateBlob(shard, previous)}");
        }

        var malformed = new List<MalformedLine>();
        var events = new List<ProductEvent>();
        foreach (var slice in await store.ReadRawAsync(day, shard, cancellationToken))
        {
            using var input = new MemoryStream(slice.GzipNdjson);
            events.AddRange(ProductEventReader.Read(input, slice.Name, gzip: true, malformed, run.Definitions.FiltersOnProperties));
        }
        events.AddRange(await DeviceMovesAsync(request, events, malformed, cancellationToken));
        foreach (var line in malformed.Take(10))
        {
            logger.LogWarning("Skipped malformed raw line {File}:{Line}: {Reason}", line.File, line.Line, line.Reason);
        }

        var erased = await erasedPersons.ReadAsync(cancellationToken);
        events = Funnel.Domain.Privacy.FoldErasure.Apply(erased, state, events);
        var figures = run.FoldShard(state, day, events, malformed.Count);
        Funnel.Domain.Privacy.FoldErasure.ThrowIfMoreErased(erased, await erasedPersons.ReadAsync(cancellationToken));
        using (var snapshot = new MemoryStream())
        {
            run.WriteSnapshot(state, snapshot);
            await store.WriteStateAsync(shard, day, snapshot.ToArray(), request.Provisional, cancellationToken);
        }
        using (var partial = new MemoryStream())
        {
            ReportFiguresCodec.Write(figures, partial);
            await store.WritePartialAsync(day, shard, partial.ToArray(), cancellationToken);
        }
        var counts = figures.Events;
        return new FoldShardResult(shard, counts.Folded, counts.DuplicatesDropped, counts.Late, counts.Malformed);
    }

    /// <summary>
    /// Leaves out the shard's events that moved to their devices' users and returns the events every shard moved to
    /// this shard's persons.
    /// </summary>
    private async Task<List<ProductEvent>> DeviceMovesAsync(FoldShardRequest request, List<ProductEvent> events, List<MalformedLine> malformed, CancellationToken cancellationToken)
    {
        var router = new ShardRouter(request.Shards);
        var movedIn = new List<ProductEvent>();
        for (var s = 0; s < request.Shards; s++)
        {
            var name = $"partials/{BlobAggregationStore.MovesBlob(request.Day, s)}";
            var moves = DeviceMoves.FromGzip(await store.ReadMovesAsync(request.Day, s, cancellationToken), name);
            if (s == request.Shard)
            {
                events.RemoveAll(moves.MovedAway);
            }
            var line = 1;
            foreach (var moved in moves.Moved)
            {
                line++;
                // Every shard reads every moves file: only its own events (and its own file's damage) are worth a full parse.
                var target = PersonKey.Read(moved.Span).Person is { } person ? router.ShardOf(person) : -1;
                if (target != request.Shard && s != request.Shard)
                {
                    continue;
                }
                if (!ProductEventReader.TryParse(moved.Span, out var e, out var reason, run.Definitions.FiltersOnProperties))
                {
                    // Every shard reads every moves file: the shard that wrote it counts its damage, once.
                    if (s == request.Shard)
                    {
                        malformed.Add(new MalformedLine(name, line, reason));
                    }
                }
                else if (target == request.Shard)
                {
                    movedIn.Add(e);
                }
            }
        }
        return movedIn;
    }

    [Function(AggregationFunctionNames.PublishReport)]
    public async Task<PublishedReport> PublishReportAsync([ActivityTrigger] PublishReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var partials = new List<ReportFigures>(request.Shards);
        for (var s = 0; s < request.Shards; s++)
        {
            using var input = new MemoryStream(await store.ReadPartialAsync(request.Day, s, cancellationToken));
            partials.Add(ReportFiguresCodec.Read(input, $"partials/{BlobAggregationStore.PartialBlob(request.Day, s)}"));
        }
        var rejected = await refusalCounters.ReadAsync(request.Day, cancellationToken);
        var (report, audiences) = run.Publish(request.Day, partials, request.FirstRawDay, time.GetUtcNow(), request.ProvisionalThrough, rejected);
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
        await store.DeleteMovesAsync(request.Day, request.Shards, cancellationToken);
        await dailyMetrics.WriteAsync(request.Day, headline, provisional, cancellationToken);
        logger.LogInformation("Published the {Provisional}report of {Day}: {Events} events folded", provisional ? "provisional " : "", request.Day, report.Events.Folded);
        return new PublishedReport(request.Day, addresses, headline, provisional);
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
        await notifier.NotifyAsync(notification, cancellationToken);
    }
}
