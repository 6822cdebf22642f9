namespace Funnel.Engine.Aggregation;

/// <summary>
/// One run of a reporting day as the app's own storage remembers it: written when the run plans the day and again
/// when it ends, so the status API can answer after the Durable host forgot (a restart of a host that keeps its
/// history in memory), and a run that never wrote its end shows as cut short.
/// </summary>
public sealed record RunRecord(DateOnly Day, string InstanceId, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt = null, string? Reason = null)
{
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";

    /// <summary>A run stored as running that no host knows any more: it stopped with its host.</summary>
    public const string Interrupted = "Interrupted";
}

/// <summary>The stored runs, by day (the <c>AggregationRuns</c> table).</summary>
public interface IRunHistory
{
    /// <summary>Writes the run's record over any earlier record of the same run.</summary>
    Task RecordAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>The day's run that started last, or null when none was recorded.</summary>
    Task<RunRecord?> LatestAsync(DateOnly day, CancellationToken cancellationToken);
}
