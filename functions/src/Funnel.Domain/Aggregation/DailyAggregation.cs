using Funnel.Domain.Events;
using Funnel.Domain.Processing;
using Funnel.Domain.Reports;

namespace Funnel.Domain.Aggregation;

/// <summary>
/// Folds days in order over every shard and produces each day's report: the fan-out (one fold and
/// one partial per shard) and fan-in (merge, assemble) of the daily run, in one process.
/// </summary>
public sealed class DailyAggregation
{
    private readonly EventFold _fold;
    private readonly ShardState[] _shards;
    private readonly ShardRouter _router;
    private readonly string _timeZone;
    private readonly TimeProvider _time;

    public DailyAggregation(MetricDefinitions definitions, string timeZone, int shardCount, TimeProvider time)
        : this(definitions, timeZone, Enumerable.Range(0, shardCount).Select(_ => new ShardState()).ToArray(), time)
    {
    }

    /// <summary>Resumes from shard states, e.g. the snapshots of the previous day.</summary>
    public DailyAggregation(MetricDefinitions definitions, string timeZone, IReadOnlyList<ShardState> shards, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(shards);
        definitions.Validate();
        _fold = new EventFold(definitions, new ReportingClock(timeZone));
        _router = new ShardRouter(shards.Count);
        _shards = [.. shards];
        _timeZone = timeZone;
        _time = time;
        FirstDay = shards.Select(s => s.FirstDay).Where(d => d is not null).Min();
    }

    public EventFold Fold => _fold;

    public void WriteSnapshot(int shard, Stream output) => StateSnapshot.Write(_shards[shard], _fold.Slots.Count, output);

    public IReadOnlyList<ShardState> Shards => _shards;

    public DateOnly? FirstDay { get; private set; }

    /// <summary>Folds one processing day's events (any order, any shard) and returns that day's report.</summary>
    public DailyReport FoldDay(DateOnly day, IEnumerable<ProductEvent> events, long malformed = 0)
    {
        FirstDay ??= day;
        var byShard = events.GroupBy(e => _router.ShardOf(e.PersonKey)).ToDictionary(g => g.Key, g => g.ToList());
        var partials = new ReportFigures[_shards.Length];
        Parallel.For(0, _shards.Length, s =>
        {
            var counts = _fold.FoldDay(_shards[s], day, byShard.GetValueOrDefault(s) ?? [], s == 0 ? malformed : 0);
            partials[s] = ShardFigures.Compute(_shards[s], _fold, day, counts);
        });
        var context = new ReportContext(day, _timeZone, FirstDay.Value, _time.GetUtcNow(), _fold.Definitions);
        return ReportAssembler.Assemble(ReportFigures.Merge(partials), context);
    }
}
