using BenchmarkDotNet.Attributes;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Simulation;

namespace Funnel.Engine.Benchmarks;

/// <summary>
/// One shard's whole day as the orchestration runs it: read yesterday's snapshot, fold the day, compute the
/// shard's figures, assemble the report, write today's snapshot. Every metric family is in it, unlike the fold alone.
/// </summary>
[MemoryDiagnoser]
public class DayRunBenchmarks
{
    private static readonly DateTimeOffset GeneratedAt = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly DayRun _run = new(MetricDefinitions.Default, "Asia/Shanghai");
    private byte[] _yesterday = [];
    private List<ProductEvent> _today = [];
    private DateOnly _day;
    private DateOnly _firstDay;

    [GlobalSetup]
    public void Setup()
    {
        var settings = new SimulationSettings { Days = 60, SignupsPerDay = 400, Seed = 4 };
        var data = new JourneySimulator(settings).Generate();
        var state = new ShardState();
        _firstDay = data.Keys.First();
        _day = settings.FirstDay.AddDays(settings.Days - 1);
        foreach (var (day, events) in data.Where(d => d.Key < _day))
        {
            _run.FoldShard(state, day, events);
        }
        using var buffer = new MemoryStream();
        _run.WriteSnapshot(state, buffer);
        _yesterday = buffer.ToArray();
        _today = data[_day];
        Console.WriteLine($"// {state.Persons.Count} persons in yesterday's state ({_yesterday.Length} bytes), {_today.Count} events today");
    }

    [Benchmark(Description = "day run: snapshot in, fold, figures, report, snapshot out")]
    public int RunDay()
    {
        var state = _run.ReadSnapshot(new MemoryStream(_yesterday), "bench");
        var partial = _run.FoldShard(state, _day, _today);
        var report = _run.Assemble(_day, [partial], _firstDay, GeneratedAt);
        _run.WriteSnapshot(state, Stream.Null);
        return report.Funnels.Count;
    }
}
