using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Simulation;

namespace Funnel.Engine.Benchmarks;

/// <summary>Fold throughput of one shard-day: from parsed events, and from the gzip NDJSON raw storage holds.</summary>
[MemoryDiagnoser]
public class FoldBenchmarks
{
    private List<ProductEvent> _events = [];
    private byte[] _gzipNdjson = [];
    private DateOnly _day;
    private EventFold _fold = null!;

    /// <summary>Events in the folded day.</summary>
    public int EventCount => _events.Count;

    [GlobalSetup]
    public void Setup()
    {
        var data = new JourneySimulator(new SimulationSettings { Days = 30, SignupsPerDay = 800, Seed = 3 }).Deliveries();
        _day = data.Keys.Last();
        var simulated = data.Values.SelectMany(e => e).ToList();
        _events = simulated.ConvertAll(e => e.Event);
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            StoredEvents.WriteNdjson(gzip, simulated);
        }
        _gzipNdjson = buffer.ToArray();
        _fold = new EventFold(MetricDefinitions.Default, new ReportingClock("Asia/Shanghai"));
        Console.WriteLine($"// {_events.Count} events, {_gzipNdjson.Length} bytes of gzip NDJSON");
    }

    [Benchmark(Baseline = true, Description = "fold parsed events")]
    public int FoldParsed()
    {
        var state = new ShardState();
        _fold.FoldDay(state, _day, _events);
        return state.Persons.Count;
    }

    [Benchmark(Description = "parse gzip NDJSON and fold")]
    public int FoldFromGzipNdjson()
    {
        var malformed = new List<MalformedLine>();
        var events = ProductEventReader.Read(new MemoryStream(_gzipNdjson), "bench", gzip: true, malformed, _fold.Definitions.KeptProperties);
        var state = new ShardState();
        _fold.FoldDay(state, _day, events);
        return state.Persons.Count;
    }
}
