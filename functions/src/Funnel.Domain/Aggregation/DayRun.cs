using Funnel.Domain.Events;
using Funnel.Domain.Metrics;
using Funnel.Domain.Processing;
using Funnel.Domain.Reports;

namespace Funnel.Domain.Aggregation;

/// <summary>
/// One reporting day's run, in the two halves the daily orchestration fans out and in:
/// per shard, <c>state(day) = fold(state(day-1), raw(day))</c> and that shard's partial figures;
/// then the report from every shard's partial. <c>funnel aggregate</c> and the functions both use it.
/// </summary>
public sealed class DayRun
{
    public DayRun(MetricDefinitions definitions, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        definitions.Validate();
        Fold = new EventFold(definitions, new ReportingClock(timeZone));
        TimeZone = timeZone;
    }

    public EventFold Fold { get; }

    public string TimeZone { get; }

    public MetricDefinitions Definitions => Fold.Definitions;

    /// <summary>Folds one shard's events of <paramref name="day"/> into <paramref name="state"/> (the previous day's, changed in place) and returns the shard's partial figures.</summary>
    public ReportFigures FoldShard(ShardState state, DateOnly day, IEnumerable<ProductEvent> events, long malformed = 0)
    {
        var quality = new DataQualityFigures();
        var counts = Fold.FoldDay(state, day, events, malformed, quality);
        var figures = ShardFigures.Compute(state, Fold, day, counts);
        figures.DataQuality = quality;
        return figures;
    }

    /// <summary>Merges the partials of every shard (in shard order) into the day's report.</summary>
    public DailyReport Assemble(DateOnly day, IEnumerable<ReportFigures> partials, DateOnly firstRawDay, DateTimeOffset generatedAt, DateTimeOffset? provisionalThrough = null) =>
        Publish(day, partials, firstRawDay, generatedAt, provisionalThrough).Report;

    /// <summary>Merges the partials of every shard into the day's report and the audiences that go beside it.</summary>
    public PublishedDay Publish(DateOnly day, IEnumerable<ReportFigures> partials, DateOnly firstRawDay, DateTimeOffset generatedAt,
        DateTimeOffset? provisionalThrough = null, IReadOnlyList<RejectedAtIngest>? rejectedAtIngest = null)
    {
        var merged = ReportFigures.Merge(partials);
        var context = new ReportContext(day, TimeZone, firstRawDay, generatedAt, Definitions)
        {
            ProvisionalThrough = provisionalThrough,
            RejectedAtIngest = rejectedAtIngest ?? [],
        };
        var report = ReportAssembler.Assemble(merged, context);
        return new PublishedDay(report, merged.Audiences);
    }

    public ShardState ReadSnapshot(Stream input, string source) => StateSnapshot.Read(input, Fold.Slots.Count, source);

    public void WriteSnapshot(ShardState state, Stream output) => StateSnapshot.Write(state, Fold.Slots.Count, output);
}

/// <summary>A day's report and its audiences, from the same merged figures.</summary>
public sealed record PublishedDay(DailyReport Report, AudienceFigures Audiences);
