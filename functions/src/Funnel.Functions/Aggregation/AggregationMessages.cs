namespace Funnel.Functions.Aggregation;

/// <summary>Run one reporting day; <see cref="ProvisionalThrough"/> is set for a day that has not closed.</summary>
public sealed record DayRunRequest(DateOnly Day, DateTimeOffset? ProvisionalThrough = null);

/// <summary>Run these days, one after the other, oldest first.</summary>
public sealed record DaysRequest(IReadOnlyList<DateOnly> Days);

/// <summary>Plan a day's run; the run (<see cref="InstanceId"/>, started at <see cref="StartedAt"/>) is recorded as running.</summary>
public sealed record PlanDayRequest(DateOnly Day, string InstanceId, DateTimeOffset StartedAt);

/// <summary>
/// What a day's run needs to know before it fans out; under history imports, the imports that apply to the day, the raw
/// folders after the day its link steps read, and the instant the report is as of.
/// </summary>
public sealed record DayPlan(int Shards, DateOnly? FirstRawDay, bool PreviousDayReady,
    IReadOnlyList<Funnel.Engine.Aggregation.HistoryImport>? Imports = null, IReadOnlyList<DateOnly>? ReadAhead = null, DateTimeOffset? AsOf = null)
{
    /// <summary>The version of the definitions in force when the run was planned; every activity of the run uses it.</summary>
    public string? Definitions { get; init; }

    /// <summary>How many activities each step of the day fans out to (shards split evenly between them); at least 1, at most one per shard.</summary>
    public int Activities { get; init; } = Shards;

    /// <summary>The shards each activity takes: <see cref="Activities"/> contiguous runs of nearly equal length.</summary>
    public IReadOnlyList<IReadOnlyList<int>> ShardGroups()
    {
        var activities = Math.Clamp(Activities, 1, Math.Max(1, Shards));
        return [.. Enumerable.Range(0, activities).Select(a => (IReadOnlyList<int>)[.. Enumerable.Range(a * Shards / activities, (a + 1) * Shards / activities - a * Shards / activities)])];
    }
}

/// <summary>
/// One step of one run of a day on a group of shards, one after the other (<see cref="Run"/> names the run, so a shard reads
/// only its own run's hand-overs; a fold also gets every shard's successful link attempt, index = shard).
/// </summary>
public sealed record ShardStepRequest(DateOnly Day, IReadOnlyList<int> Group, int Shards, DateOnly FirstRawDay, string Run, bool Provisional, IReadOnlyList<string>? LinkAttempts = null,
    IReadOnlyList<Funnel.Engine.Aggregation.HistoryImport>? Imports = null, IReadOnlyList<DateOnly>? ReadAhead = null, string? Definitions = null)
{
    public Funnel.Engine.Aggregation.ShardDay Step(int shard) => new(Day, shard, Shards, FirstRawDay, Run,
        Imports is { Count: > 0 } imports ? new Funnel.Engine.Aggregation.HistoryImports(imports) : null, ReadAhead);
}

/// <summary>What one shard's link step did with the day's raw events, and the attempt its hand-overs are named by.</summary>
public sealed record LinkShardResult(int Shard, string Attempt, long EventsRead, int LinksMade, long EventsHandedOn, long Malformed);

/// <summary>What one shard's fold did with the day's events.</summary>
public sealed record FoldShardResult(int Shard, long Folded, long DuplicatesDropped, long Late, long Malformed);

public sealed record PublishReportRequest(DateOnly Day, int Shards, DateOnly FirstRawDay, DateTimeOffset? ProvisionalThrough, string Run = "", DateTimeOffset? AsOf = null, string? Definitions = null);

/// <summary>Where the day's report went, its headline figures and its red targets (announced as <c>target.missed</c> when the report is final).</summary>
public sealed record PublishedReport(DateOnly Day, IReadOnlyDictionary<string, Uri> Reports, IReadOnlyDictionary<string, double> Headline, bool Provisional,
    IReadOnlyList<Funnel.Reports.TargetResult>? MissedTargets = null);

/// <summary>A day's outcome to record and announce: the published report, or why the run failed.</summary>
public sealed record DayOutcome(DateOnly Day, PublishedReport? Published, string? FailureReason, string InstanceId = "", DateTimeOffset StartedAt = default);

/// <summary>
/// The orchestration's custom status while it runs: its step (<c>link</c>, <c>fold</c>) and how many shards have done it;
/// on a failed run, the reason (the same text as <c>run.failed</c>), which the status API shows.
/// </summary>
public sealed record AggregationProgress(int ShardsDone, int Shards, string Step = AggregationProgress.FoldStep, string? Reason = null)
{
    public const string LinkStep = "link";
    public const string FoldStep = "fold";
    public const string FailedStep = "failed";
}
