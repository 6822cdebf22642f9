using System.Diagnostics;
using BenchmarkDotNet.Running;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Benchmarks;
using Funnel.Engine.Processing;
using Funnel.Metrics;
using Funnel.Simulation;

// dotnet run -c Release --project tests/Funnel.Engine.Benchmarks -- [benchmarkdotnet args]   fold throughput
// dotnet run -c Release --project tests/Funnel.Engine.Benchmarks -- --state-size [persons]   snapshot bytes/person and peak memory
// dotnet run -c Release --project tests/Funnel.Engine.Benchmarks -- --history [--signups-per-day N] [--days 90] [--shards 16]   one day's run vs DuckDB over all raw history
if (args.Length > 0 && args[0] == "--history")
{
    return HistoryBenchmark.Run(args);
}
if (args.Length > 1 && args[0] == "--state-composition")
{
    return StateComposition.Run(args);
}
if (args.Length > 0 && args[0] == "--state-size")
{
    var signups = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    var days = 30;
    var visitorsPerSignup = 1 + new SimulationSettings().BouncersPerSignup;
    var settings = new SimulationSettings { Days = days, SignupsPerDay = (int)(signups / days / visitorsPerSignup), Seed = 5 };
    var watch = Stopwatch.StartNew();
    var fold = new EventFold(MetricDefinitions.Default, new ReportingClock(settings.TimeZone));
    var state = new ShardState();
    long events = 0;
    foreach (var (day, dayEvents) in new JourneySimulator(settings).Generate())
    {
        fold.FoldDay(state, day, dayEvents);
        events += dayEvents.Count;
    }
    var foldSeconds = watch.Elapsed.TotalSeconds;
    using var snapshot = new MemoryStream();
    StateSnapshot.Write(state, fold.Slots.Count, snapshot);
    GC.Collect();
    Console.WriteLine($"persons in the shard: {state.Persons.Count:N0}; events folded: {events:N0} over {days} days in {foldSeconds:N1} s (generation included)");
    Console.WriteLine($"snapshot: {snapshot.Length:N0} bytes = {(double)snapshot.Length / state.Persons.Count:N1} bytes/person");
    Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB; managed heap after fold: {GC.GetTotalMemory(false) / 1024 / 1024:N0} MiB");
    // What the campaign facts (first campaign touch, the last two months' touches) cost: the same state written without them.
    foreach (var person in state.Persons.Values)
    {
        (person.FirstCampaignAt, person.FirstCampaign) = (long.MaxValue, null);
        person.ForgetCampaignTouchesBefore(long.MaxValue);
    }
    using var withoutCampaigns = new MemoryStream();
    StateSnapshot.Write(state, fold.Slots.Count, withoutCampaigns);
    Console.WriteLine($"without campaign touches: {withoutCampaigns.Length:N0} bytes = {(double)withoutCampaigns.Length / state.Persons.Count:N1} bytes/person; they add {(double)(snapshot.Length - withoutCampaigns.Length) / state.Persons.Count:N1} bytes/person");
    // What the engagement facts (survey answers, feature days, session instants, touches) cost: the same state written without them either.
    var withEngagement = withoutCampaigns.Length;
    foreach (var person in state.Persons.Values)
    {
        person.SurveyAnswers.Clear();
        person.SessionInstants.Clear();
        foreach (var feature in person.FeatureDays.Keys.ToList())
        {
            person.ForgetFeature(feature);
        }
        foreach (var channel in person.Touches.Keys.ToList())
        {
            person.ForgetTouches(channel);
        }
    }
    using var without = new MemoryStream();
    StateSnapshot.Write(state, fold.Slots.Count, without);
    Console.WriteLine($"and without survey answers, feature days, session instants and touches: {without.Length:N0} bytes = {(double)without.Length / state.Persons.Count:N1} bytes/person; they add {(double)(withEngagement - without.Length) / state.Persons.Count:N1} bytes/person");
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(FoldBenchmarks).Assembly).Run(args);
return 0;
