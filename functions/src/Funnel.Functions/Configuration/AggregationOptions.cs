using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Aggregation</c> settings of the daily run.</summary>
public sealed class AggregationOptions
{
    public const string Section = "Aggregation";

    /// <summary>Minutes after a reporting day's midnight before it is aggregated, for messages still in the queue.</summary>
    [Range(0, 24 * 60)]
    public int GraceMinutes { get; set; } = 15;

    /// <summary>How many of the newest closed days the scheduler checks for raw events written after their fold, to run them again.</summary>
    [Range(0, 60)]
    public int RecheckDays { get; set; } = 7;

    /// <summary>Attempts of each activity before the day's run fails.</summary>
    [Range(1, 20)]
    public int ActivityAttempts { get; set; } = 4;

    /// <summary>Wait before an activity's second attempt; it doubles with each further attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Stored bytes (the day's raw and the shards' state of the day before) one activity takes on: a day's shards are split
    /// into as many activities as this needs, at most one per shard, so a small day folds in one activity, not one per shard.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long BytesPerActivity { get; set; } = 16L * 1024 * 1024;
}
