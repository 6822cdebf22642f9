using System.Diagnostics;
using System.Globalization;
using Funnel.Domain.Aggregation;
using Funnel.Domain.Metrics;

namespace Funnel.Engine.Benchmarks;

/// <summary>
/// <c>--state-composition file.bin [zone]</c>: what a shard snapshot is made of (hot and cold persons, and the hot persons'
/// bytes by kind) and what reading and writing it costs, so the next saving is chosen by measurement.
/// </summary>
internal static class StateComposition
{
    public static int Run(string[] args)
    {
        var file = args[1];
        var run = new DayRun(MetricDefinitions.Default, args.Length > 2 ? args[2] : "Asia/Shanghai");
        var bytes = File.ReadAllBytes(file);
        var watch = Stopwatch.StartNew();
        var state = run.ReadSnapshot(new MemoryStream(bytes), file);
        var read = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        using var written = new MemoryStream();
        run.WriteSnapshot(state, written);
        var write = watch.Elapsed.TotalMilliseconds;
        long ids = 0, days = 0, steps = 0, purchases = 0, instants = 0;
        foreach (var p in state.Persons.Values)
        {
            ids += p.RecentIds.Count * 10L;
            days += p.ActiveDays.Count * 2L;
            purchases += p.Purchases.Count * 8L;
            instants += (p.RecentInstants.Count + p.IntentInstants.Count) * 5L;
            for (var s = 0; s < p.StepSlots; s++)
            {
                steps += (p.StepTimesAt(s)?.Count ?? 0) * 5L;
            }
        }
        var cold = state.Cold.Persons.Sum(c => c.Key.Length + c.Value.State.Length + 20L);
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine($"{file}: {N(bytes.Length)} bytes; {N(state.Persons.Count)} hot, {N(state.Cold.Count)} cold persons; read {N(read)} ms, write {N(write)} ms");
        Console.WriteLine($"hot, approximate uncompressed bytes: message ids {N(ids)}, active days {N(days)}, step times {N(steps)}, purchases {N(purchases)}, instants {N(instants)}; cold records {N(cold)}");
        return 0;
    }
}
