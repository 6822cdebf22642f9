using Funnel.Events;
using Funnel.Events.Privacy;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// Folds days in order over every shard held in memory and produces each day's report: the daily
/// run's fan-out and fan-in (<see cref="DayRun"/>) in one process, as <c>funnel aggregate</c> uses it.
/// </summary>
public sealed class DailyAggregation
{
    private readonly DayRun _run;
    private readonly ShardState[] _shards;
    private readonly ShardRouter _router;
    private readonly TimeProvider _time;

    /// <summary>Starts from empty shards; <paramref name="fullPass"/> keeps every person hot (the reference of the hot and cold pass).</summary>
    public DailyAggregation(MetricDefinitions definitions, string timeZone, int shardCount, TimeProvider time, bool fullPass = false)
        : this(definitions, timeZone, Enumerable.Range(0, shardCount).Select(_ => new ShardState()).ToArray(), time, fullPass)
    {
    }

    /// <summary>Resumes from shard states, e.g. the snapshots of the previous day.</summary>
    public DailyAggregation(MetricDefinitions definitions, string timeZone, IReadOnlyList<ShardState> shards, TimeProvider time, bool fullPass = false)
    {
        ArgumentNullException.ThrowIfNull(shards);
        _run = new DayRun(definitions, timeZone) { FullPass = fullPass };
        _router = new ShardRouter(shards.Count);
        _shards = [.. shards];
        _time = time;
        FirstDay = shards.Select(s => s.FirstDay).Where(d => d is not null).Min();
    }

    public EventFold Fold => _run.Fold;

    public void WriteSnapshot(int shard, Stream output) => _run.WriteSnapshot(_shards[shard], output);

    public IReadOnlyList<ShardState> Shards => _shards;

    public DateOnly? FirstDay { get; private set; }

    /// <summary>Persons left out of every fold from now on.</summary>
    public ErasedPersons Erased { get; set; } = ErasedPersons.None;

    /// <summary>The spend table the reports read channel costs from (none: the definitions' daily costs).</summary>
    public IReadOnlyList<SpendRow> Spend { get; set; } = [];

    /// <summary>The audiences beside the last report <see cref="FoldDay"/> returned.</summary>
    public AudienceFigures LastAudiences { get; private set; } = new();

    /// <summary>
    /// Folds one processing day's events (any order; each in the shard raw storage keeps it in) and returns that
    /// day's report: the link step of every shard, then the fold step of every shard, as the daily run does them.
    /// </summary>
    public DailyReport FoldDay(DateOnly day, IEnumerable<ProductEvent> events, long malformed = 0)
    {
        FirstDay ??= day;
        var byShard = events.GroupBy(e => _router.ShardOf(e.StoredUnder)).ToDictionary(g => g.Key, g => g.ToList());
        var linked = new LinkedShard[_shards.Length];
        Parallel.For(0, _shards.Length, s =>
            linked[s] = DayRun.LinkShard(_shards[s], s, _router, byShard.GetValueOrDefault(s) ?? [], s == 0 ? malformed : 0, Erased));
        var partials = new ReportFigures[_shards.Length];
        Parallel.For(0, _shards.Length, s =>
            partials[s] = _run.ReceiveShard(_shards[s], day, linked.Select(l => l.HandOvers[s]).OfType<ShardHandOver>(), Erased));
        var published = _run.Publish(day, partials, FirstDay.Value, _time.GetUtcNow(), spend: Spend);
        LastAudiences = published.Audiences;
        return published.Report;
    }
}
