using System.Diagnostics;
using System.Globalization;
using Funnel.Engine.Aggregation;
using Funnel.Metrics;

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
        var watch = new Stopwatch();
        ShardState state = null!;
        double read = 0, write = 0;
        // The third round is reported: the first ones pay for JIT compilation.
        for (var round = 0; round < 3; round++)
        {
            watch.Restart();
            state = run.ReadSnapshot(new MemoryStream(bytes), file);
            read = watch.Elapsed.TotalMilliseconds;
            watch.Restart();
            using var written = new MemoryStream();
            run.WriteSnapshot(state, written);
            write = watch.Elapsed.TotalMilliseconds;
        }
        for (var round = 0; round < 3; round++)
        {
            watch.Restart();
            run.ReadSnapshot(new MemoryStream(bytes), file, _ => false);
        }
        Console.WriteLine($"read keeping nobody (decompress, device links, keys skipped): {watch.Elapsed.TotalMilliseconds:N1} ms");
        var hotOnly = new ShardState();
        foreach (var (key, person) in state.Persons)
        {
            hotOnly.Persons[key] = person;
        }
        for (var round = 0; round < 3; round++)
        {
            watch.Restart();
            run.WriteSnapshot(hotOnly, Stream.Null);
        }
        Console.WriteLine($"write of the hot persons alone: {watch.Elapsed.TotalMilliseconds:N1} ms");
        long ids = 0, days = 0, steps = 0, purchases = 0, instants = 0;
        foreach (var p in state.Persons.Values)
        {
            ids += p.RecentIds.Count * 10L;
            days += p.ActiveDays.Count * 2L;
            purchases += p.Purchases.Count * 8L;
            instants += (p.RecentInstants.Count + p.IntentInstants.Count + p.SurveyAnswers.Count + p.FeatureDays.Sum(f => f.Value.Count) + p.SessionInstants.Count) * 5L;
            for (var s = 0; s < p.StepSlots; s++)
            {
                steps += (p.StepTimesAt(s)?.Count ?? 0) * 5L;
            }
        }
        var cold = state.Cold.Persons.Sum(c => c.Key.Length + c.Value.State.Length + 20L);
        string N(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
        Console.WriteLine($"{file}: {N(bytes.Length)} bytes; {N(state.Persons.Count)} hot, {N(state.Cold.Count)} cold persons; read {N(read)} ms, write {N(write)} ms");
        Console.WriteLine($"hot, approximate uncompressed bytes: message ids {N(ids)}, active days {N(days)}, step times {N(steps)}, purchases {N(purchases)}, instants {N(instants)}; cold records {N(cold)}");
        var payload = new MemoryStream();
        using (var brotli = new System.IO.Compression.BrotliStream(new MemoryStream(bytes, 17, bytes.Length - 17), System.IO.Compression.CompressionMode.Decompress))
        {
            brotli.CopyTo(payload);
        }
        foreach (var level in new[] { System.IO.Compression.CompressionLevel.Fastest, System.IO.Compression.CompressionLevel.Optimal })
        {
            for (var round = 0; round < 3; round++)
            {
                watch.Restart();
                using var compressed = new MemoryStream();
                using (var brotli = new System.IO.Compression.BrotliStream(compressed, level, leaveOpen: true))
                {
                    brotli.Write(payload.GetBuffer(), 0, (int)payload.Length);
                }
                var ms = watch.Elapsed.TotalMilliseconds;
                watch.Restart();
                using (var back = new System.IO.Compression.BrotliStream(new MemoryStream(compressed.ToArray()), System.IO.Compression.CompressionMode.Decompress))
                {
                    back.CopyTo(Stream.Null);
                }
                Console.WriteLine($"brotli {level}: {N(payload.Length)} -> {N(compressed.Length)} bytes, compress {ms:N1} ms, decompress {watch.Elapsed.TotalMilliseconds:N1} ms");
            }
        }
        return 0;
    }
}
