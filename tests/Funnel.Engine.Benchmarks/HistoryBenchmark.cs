using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Metrics;
using Funnel.Simulation;

namespace Funnel.Engine.Benchmarks;

/// <summary>
/// <c>--history</c>: one day's run from the previous day's snapshots (the fold over per-user state) against
/// DuckDB recomputing the lifecycle funnel from every raw event so far, at growing history, in one process.
/// A harness that prints figures, not a test: nothing here asserts a speed.
/// </summary>
public static class HistoryBenchmark
{
    private const string TimeZone = "Asia/Shanghai";
    private const long DayMs = 86_400_000;
    private static readonly DateOnly FirstDay = new(2026, 9, 1);
    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>Options of one run.</summary>
    private sealed record Options(int SignupsPerDay, int Days, int Shards, int Seed, int Repeats, IReadOnlyList<int> Checkpoints, string? Folder, bool Keep);

    public static int Run(string[] args)
    {
        if (!TryOptions(args, out var options))
        {
            return 2;
        }
        var root = options.Folder ?? Path.Combine(Path.GetTempPath(), $"funnel-history-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            Run(options, root);
        }
        finally
        {
            if (!options.Keep)
            {
                Directory.Delete(root, recursive: true);
            }
        }
        return 0;
    }

    private static void Run(Options options, string root)
    {
        var cores = Environment.ProcessorCount;
        var total = Stopwatch.StartNew();
        Console.WriteLine($"history benchmark: {options.Days} days x {options.SignupsPerDay} signups/day, {options.Shards} shards, seed {options.Seed}, zone {TimeZone}; {cores} cores; median of {options.Repeats}; folder {root}");
        var rawRoot = Path.Combine(root, "raw");
        var eventsByDay = WriteRaw(options, rawRoot);
        var lastDay = FirstDay.AddDays(options.Days - 1);
        var history = new SortedDictionary<DateOnly, long>();
        long sum = 0;
        for (var day = FirstDay; day <= lastDay; day = day.AddDays(1))
        {
            sum += eventsByDay.GetValueOrDefault(day);
            history[day] = sum;
        }
        Console.WriteLine($"raw: {sum:N0} events processed on days 1-{options.Days} ({eventsByDay.Values.Sum() - sum:N0} more arrive late after day {options.Days} and are not written) in {total.Elapsed.TotalSeconds:N0} s");
        if (sum < 1_000_000)
        {
            Console.WriteLine($"note: fewer than 1,000,000 events in the history; raise --signups-per-day");
        }

        var offsetMs = FixedOffsetMs(FirstDay, lastDay.AddDays(1));
        var run = new DayRun(MetricDefinitions.Default, TimeZone);
        var dataRoot = Path.Combine(root, "data");
        var rows = new List<string[]>();
        var duck = new DuckDb(rawRoot, offsetMs);
        // DuckDB's one-time start-up (loading the library, first query) is not part of any timed run.
        duck.LifecycleFunnel(FirstDay, 1);
        for (var index = 1; index <= options.Days; index++)
        {
            var day = FirstDay.AddDays(index - 1);
            if (options.Checkpoints.Contains(index))
            {
                Console.WriteLine($"day {index} ({day:yyyy-MM-dd}): {history[day]:N0} events in history, {eventsByDay.GetValueOrDefault(day):N0} today");
                rows.Add(Checkpoint(options, run, duck, rawRoot, dataRoot, root, index, day, history[day]));
            }
            // The pipeline's own run of the day (all cores), whose snapshots tomorrow starts from.
            var watch = Stopwatch.StartNew();
            var result = RunDay(run, rawRoot, dataRoot, dataRoot, day, options.Shards, cores, null);
            if (index % 10 == 0 || index == options.Days)
            {
                Console.WriteLine($"  folded day {index} ({day:yyyy-MM-dd}): {result.Persons:N0} persons in state ({result.HotPersons:N0} hot), {result.SnapshotBytes / 1024.0 / 1024:N1} MiB of snapshots, {watch.ElapsedMilliseconds:N0} ms");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"engine = one day's run from the previous day's snapshots: read state(d-1) of every shard and raw(d), FoldShard, write state(d) + partials, read partials, Assemble, write report.json (all metrics). Parallel.For over shards with the thread count shown.");
        Console.WriteLine($"DuckDB = in-process DuckDB {DuckDb.Version()}, SET threads, one query over read_json of every raw file of processing days <= d (gzip NDJSON), lifecycle funnel counts of the newest {FunnelMetric.CohortDays} cohorts.");
        Console.WriteLine($"ms = median of {options.Repeats}; ratio = DuckDB ms / engine ms at the same thread count, measured in this run (above 1: the engine's day is faster).");
        Console.WriteLine();
        string[] header = ["day", "events in history", "persons in state", "hot persons", "state MiB", "engine 1T ms", $"engine {cores}T ms", "DuckDB 1T ms", $"DuckDB {cores}T ms", "ratio 1T", $"ratio {cores}T", "funnel counts"];
        PrintTable(header, rows);
        if (rows.Count > 0)
        {
            var last = rows[^1];
            Console.WriteLine($"the issue's goal, DuckDB/engine >= 10x at day 90 and widening with history: day {last[0]} gives {last[8]} (1T), {last[9]} ({cores}T); over the checkpoints {string.Join(" -> ", rows.Select(r => r[8]))} (1T), {string.Join(" -> ", rows.Select(r => r[9]))} ({cores}T)");
        }
        Console.WriteLine($"total run time: {total.Elapsed.TotalSeconds:N0} s");
    }

    private static string[] Checkpoint(Options options, DayRun run, DuckDb duck, string rawRoot, string dataRoot, string root, int index, DateOnly day, long historyEvents)
    {
        var cores = Environment.ProcessorCount;
        int[] threadCounts = [.. new[] { 1, cores }.Distinct()];
        var engineTimes = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var duckTimes = threadCounts.ToDictionary(t => t, _ => new List<double>());
        var phases = new Phases();
        string? reportPath = null;
        DayResult? result = null;
        Dictionary<(int Cohort, int Step), long> counts = [];
        // Engine and DuckDB runs alternate, so a change in the machine's load hits both alike.
        for (var r = 0; r < options.Repeats; r++)
        {
            foreach (var threads in threadCounts)
            {
                var scratch = Path.Combine(root, "scratch", $"{threads}t-{r}");
                Settle();
                var watch = Stopwatch.StartNew();
                result = RunDay(run, rawRoot, dataRoot, scratch, day, options.Shards, threads, threads == 1 ? phases : null);
                engineTimes[threads].Add(watch.Elapsed.TotalMilliseconds);
                if (reportPath is null)
                {
                    reportPath = Path.Combine(root, "reports", ReportingDay.Format(day), "report.json");
                    Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
                    File.Copy(result.ReportPath, reportPath, overwrite: true);
                }
                Directory.Delete(scratch, recursive: true);

                Settle();
                var (elapsed, duckCounts) = duck.LifecycleFunnel(day, threads);
                duckTimes[threads].Add(elapsed);
                counts = duckCounts;
            }
        }
        static string Times(List<double> times) => string.Join(" / ", times.Select(t => t.ToString("N0", CultureInfo.InvariantCulture))) + " ms";
        foreach (var threads in threadCounts)
        {
            Console.WriteLine($"  engine {threads}T: {Times(engineTimes[threads])}" + (threads == 1 ? $"  [per run: {phases.Describe(options.Repeats)}]" : ""));
            Console.WriteLine($"  DuckDB {threads}T: {Times(duckTimes[threads])}");
        }
        var agreement = Compare(reportPath!, counts);
        Console.WriteLine($"  lifecycle funnel counts, engine report vs DuckDB: {agreement}");
        var engine = engineTimes.ToDictionary(x => x.Key, x => Median(x.Value));
        var duckDb = duckTimes.ToDictionary(x => x.Key, x => Median(x.Value));
        return
        [
            index.ToString(CultureInfo.InvariantCulture),
            historyEvents.ToString("N0", CultureInfo.InvariantCulture),
            result!.Persons.ToString("N0", CultureInfo.InvariantCulture),
            result.HotPersons.ToString("N0", CultureInfo.InvariantCulture),
            (result.SnapshotBytes / 1024.0 / 1024).ToString("N1", CultureInfo.InvariantCulture),
            engine[1].ToString("N0", CultureInfo.InvariantCulture),
            engine[cores].ToString("N0", CultureInfo.InvariantCulture),
            duckDb[1].ToString("N0", CultureInfo.InvariantCulture),
            duckDb[cores].ToString("N0", CultureInfo.InvariantCulture),
            (duckDb[1] / engine[1]).ToString("N2", CultureInfo.InvariantCulture) + "x",
            (duckDb[cores] / engine[cores]).ToString("N2", CultureInfo.InvariantCulture) + "x",
            agreement,
        ];
    }

    /// <summary>What one day's run left behind.</summary>
    /// <summary>A day's run: its report, every person in state, the hot ones the daily pass folds and counts, and the snapshots' bytes.</summary>
    private sealed record DayResult(string ReportPath, long Persons, long HotPersons, long SnapshotBytes);

    /// <summary>Seconds spent in each part of the run, summed over shards (meaningful single-threaded).</summary>
    private sealed class Phases
    {
        private long _linkReadState, _readRaw, _link, _readState, _readInbox, _fold, _write, _report;

        public static long Time(Action action)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetTimestamp() - start;
        }

        public void AddLink(long readState, long readRaw, long link)
        {
            Interlocked.Add(ref _linkReadState, readState);
            Interlocked.Add(ref _readRaw, readRaw);
            Interlocked.Add(ref _link, link);
        }

        public void Add(long readState, long readInbox, long fold, long write)
        {
            Interlocked.Add(ref _readState, readState);
            Interlocked.Add(ref _readInbox, readInbox);
            Interlocked.Add(ref _fold, fold);
            Interlocked.Add(ref _write, write);
        }

        public void AddReport(long ticks) => Interlocked.Add(ref _report, ticks);

        public string Describe(int runs)
        {
            static string Ms(long ticks, int runs) => (ticks * 1000.0 / Stopwatch.Frequency / runs).ToString("N0", CultureInfo.InvariantCulture);
            return $"link step: read state {Ms(_linkReadState, runs)} ms, read raw {Ms(_readRaw, runs)} ms, link + write hand-overs {Ms(_link, runs)} ms; "
                + $"fold step: read state {Ms(_readState, runs)} ms, read inbox {Ms(_readInbox, runs)} ms, merge + fold + figures {Ms(_fold, runs)} ms, write state + partial {Ms(_write, runs)} ms; "
                + $"partials -> report.json {Ms(_report, runs)} ms";
        }
    }

    /// <summary>
    /// One day's run as the orchestration does it, on files: per shard read state(d-1) and raw(d) and link (hand-overs
    /// written to the receiving shards' inboxes); then per shard read state(d-1) and its inbox, fold, write state(d) and
    /// the partial; then read every partial, assemble and write report.json.
    /// </summary>
    private static DayResult RunDay(DayRun run, string rawRoot, string stateIn, string output, DateOnly day, int shards, int threads, Phases? phases)
    {
        long persons = 0, hotPersons = 0, snapshotBytes = 0;
        var router = new ShardRouter(shards);
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        ShardState ReadState(int s, Func<string, bool>? keepPerson = null)
        {
            var previous = StatePath(stateIn, s, day.AddDays(-1));
            return day == FirstDay ? new ShardState() : run.ReadSnapshot(new MemoryStream(File.ReadAllBytes(previous)), previous, keepPerson);
        }
        Parallel.For(0, shards, options, s =>
        {
            ShardState state = null!;
            var events = new List<ProductEvent>();
            var malformed = new List<MalformedLine>();
            var readRaw = Phases.Time(() =>
            {
                var folder = Path.Combine(rawRoot, RawBlobName.DayFolder(day), ShardRouter.FolderName(s));
                if (Directory.Exists(folder))
                {
                    foreach (var path in Directory.EnumerateFiles(folder, "*" + RawBlobName.Suffix).Order(StringComparer.Ordinal))
                    {
                        using var input = new MemoryStream(File.ReadAllBytes(path));
                        events.AddRange(ProductEventReader.Read(input, path, gzip: true, malformed, run.Definitions.KeptProperties));
                    }
                }
            });
            // As DailyPipeline does: of the persons in state, only the devices today's calls may link.
            var readState = Phases.Time(() =>
            {
                state = ReadState(s, Funnel.Engine.Identity.DeviceLinking.DevicesNamedWithAUser(events).Contains);
            });
            var link = Phases.Time(() =>
            {
                var linked = DayRun.LinkShard(state, s, router, events, malformed.Count, Funnel.Events.Privacy.ErasedPersons.None);
                for (var target = 0; target < shards; target++)
                {
                    if (linked.HandOvers[target] is { } handOver)
                    {
                        var path = InboxPath(output, day, target, s);
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        File.WriteAllBytes(path, ShardHandOverCodec.Write(handOver, run.Fold.Slots.Count));
                    }
                }
            });
            phases?.AddLink(readState, readRaw, link);
        });
        Parallel.For(0, shards, options, s =>
        {
            ShardState state = null!;
            List<ShardHandOver> inbox = null!;
            ReportFigures figures = null!;
            var readState = Phases.Time(() => state = ReadState(s));
            var readInbox = Phases.Time(() => inbox = [.. Directory.EnumerateFiles(Path.GetDirectoryName(InboxPath(output, day, s, 0))!).Order(StringComparer.Ordinal)
                .Select(path => ShardHandOverCodec.Read(File.ReadAllBytes(path), run.Fold.Slots.Count, path))]);
            var fold = Phases.Time(() => figures = run.ReceiveShard(state, day, inbox, Funnel.Events.Privacy.ErasedPersons.None));
            var write = Phases.Time(() =>
            {
                using var snapshot = new MemoryStream();
                run.WriteSnapshot(state, snapshot);
                WriteFile(StatePath(output, s, day), snapshot);
                Interlocked.Add(ref snapshotBytes, snapshot.Length);
                using var partial = new MemoryStream();
                ReportFiguresCodec.Write(figures, partial);
                WriteFile(PartialPath(output, day, s), partial);
            });
            Interlocked.Add(ref persons, state.PersonCount);
            Interlocked.Add(ref hotPersons, state.Persons.Count);
            phases?.Add(readState, readInbox, fold, write);
        });
        var reportPath = Path.Combine(output, "reports", ReportingDay.Format(day), "report.json");
        var report = Phases.Time(() =>
        {
            var partials = new List<ReportFigures>(shards);
            for (var s = 0; s < shards; s++)
            {
                var path = PartialPath(output, day, s);
                partials.Add(ReportFiguresCodec.Read(new MemoryStream(File.ReadAllBytes(path)), path));
            }
            // A fixed generatedAt keeps report.json a pure function of the data.
            var dailyReport = run.Assemble(day, partials, FirstDay, new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
            File.WriteAllBytes(reportPath, Funnel.Reports.ReportJson.Serialize(dailyReport));
        });
        phases?.AddReport(report);
        return new DayResult(reportPath, persons, hotPersons, snapshotBytes);
    }

    private static string StatePath(string root, int shard, DateOnly day) =>
        Path.Combine(root, "state", ShardRouter.FolderName(shard), $"{ReportingDay.Format(day)}.bin");

    private static string InboxPath(string root, DateOnly day, int shard, int from) =>
        Path.Combine(root, "partials", ReportingDay.Format(day), "inbox", ShardRouter.FolderName(shard), $"{ShardRouter.FolderName(from)}.bin");

    private static string PartialPath(string root, DateOnly day, int shard) =>
        Path.Combine(root, "partials", ReportingDay.Format(day), $"{ShardRouter.FolderName(shard)}.bin");

    private static void WriteFile(string path, MemoryStream content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        content.Position = 0;
        content.CopyTo(file);
    }

    /// <summary>Generates the data set and writes the processing days 1..Days in the raw layout, gzip NDJSON as ProcessEvents stores it; returns events per processing day.</summary>
    private static Dictionary<DateOnly, long> WriteRaw(Options options, string rawRoot)
    {
        var watch = Stopwatch.StartNew();
        var settings = new SimulationSettings { Days = options.Days, SignupsPerDay = options.SignupsPerDay, Seed = options.Seed, TimeZone = TimeZone, FirstDay = FirstDay };
        var data = new JourneySimulator(settings).Deliveries();
        var generated = data.Values.Sum(d => (long)d.Count);
        Console.WriteLine($"generated {generated:N0} events over {data.Count} processing days in {watch.Elapsed.TotalSeconds:N1} s; writing the raw layout (gzip NDJSON, {{day}}/shard-{{nn}}/generated-{options.Seed}{RawBlobName.Suffix})");
        var counts = data.ToDictionary(d => d.Key, d => (long)d.Value.Count);
        var lastDay = FirstDay.AddDays(options.Days - 1);
        var router = new ShardRouter(options.Shards);
        var days = data.Where(d => d.Key <= lastDay).ToList();
        var done = 0;
        Parallel.ForEach(days, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, entry =>
        {
            foreach (var shard in entry.Value.GroupBy(e => router.ShardOf(e.Event.StoredUnder)))
            {
                var path = Path.Combine(rawRoot, RawBlobName.DayFolder(entry.Key), ShardRouter.FolderName(shard.Key), $"generated-{options.Seed}{RawBlobName.Suffix}");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var file = new GZipStream(File.Create(path), CompressionLevel.Optimal);
                StoredEvents.WriteNdjson(file, shard);
            }
            var n = Interlocked.Increment(ref done);
            if (n % 15 == 0 || n == days.Count)
            {
                Console.WriteLine($"  wrote {n}/{days.Count} days ({watch.Elapsed.TotalSeconds:N0} s)");
            }
        });
        return counts;
    }

    /// <summary>The zone's UTC offset, checked constant over the data's days (the SQL turns instants into days with it).</summary>
    private static long FixedOffsetMs(DateOnly from, DateOnly to)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var offsets = new HashSet<TimeSpan>();
        for (var t = new DateTimeOffset(from.AddDays(-45).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); t < new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero); t = t.AddHours(1))
        {
            offsets.Add(zone.GetUtcOffset(t));
        }
        if (offsets.Count != 1)
        {
            throw new InvalidOperationException($"{TimeZone} changes its UTC offset within the data's days; the DuckDB query assumes a fixed offset");
        }
        return (long)offsets.Single().TotalMilliseconds;
    }

    /// <summary>Compares the report's lifecycle funnel cohorts (funnels[0].cohorts[].steps[].count) with DuckDB's counts.</summary>
    private static string Compare(string reportPath, Dictionary<(int Cohort, int Step), long> duck)
    {
        using var report = JsonDocument.Parse(File.ReadAllBytes(reportPath));
        var funnel = report.RootElement.GetProperty("funnels")[0];
        if (funnel.GetProperty("name").GetString() != "lifecycle")
        {
            return "funnels[0] is not the lifecycle funnel";
        }
        var cohorts = 0;
        var differences = new List<string>();
        var engineCohorts = new HashSet<int>();
        foreach (var cohort in funnel.GetProperty("cohorts").EnumerateArray())
        {
            var day = DateOnly.ParseExact(cohort.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - UnixEpochDay;
            engineCohorts.Add(day);
            var step = 0;
            var same = true;
            foreach (var count in cohort.GetProperty("steps").EnumerateArray())
            {
                var engineCount = count.GetProperty("count").GetInt64();
                var duckCount = duck.GetValueOrDefault((day, step));
                if (engineCount != duckCount)
                {
                    same = false;
                    differences.Add($"{cohort.GetProperty("day").GetString()} step {step}: engine {engineCount}, DuckDB {duckCount}");
                }
                step++;
            }
            cohorts += same ? 1 : 0;
        }
        foreach (var key in duck.Keys.Where(k => !engineCohorts.Contains(k.Cohort)))
        {
            differences.Add($"DuckDB has cohort {DateOnly.FromDayNumber(key.Cohort + UnixEpochDay):yyyy-MM-dd} step {key.Step} ({duck[key]}) the report lacks");
        }
        var cells = duck.Values.Sum();
        return differences.Count == 0
            ? $"agree ({cohorts}/{engineCohorts.Count} cohorts x 4 steps, {cells:N0} person-steps)"
            : $"DIFFER in {differences.Count} cells: {string.Join("; ", differences.Take(5))}";
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void PrintTable(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => i == cells.Length - 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |";
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select((w, i) => i == widths.Length - 1 ? new string('-', w + 2) : new string('-', w + 1) + ":")) + "|");
        foreach (var row in rows)
        {
            Console.WriteLine(Line(row));
        }
    }

    private static bool TryOptions(string[] args, out Options options)
    {
        var parsed = new Options(SignupsPerDay: 500, Days: 90, Shards: 16, Seed: 11, Repeats: 3, Checkpoints: [30, 60, 90], Folder: null, Keep: false);
        options = parsed;
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--signups-per-day": parsed = parsed with { SignupsPerDay = Int() }; break;
                case "--days": parsed = parsed with { Days = Int() }; break;
                case "--shards": parsed = parsed with { Shards = Int() }; break;
                case "--seed": parsed = parsed with { Seed = Int() }; break;
                case "--repeats": parsed = parsed with { Repeats = Int() }; break;
                case "--checkpoints": parsed = parsed with { Checkpoints = [.. Value().Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))] }; break;
                case "--dir": parsed = parsed with { Folder = Value() }; break;
                case "--keep": parsed = parsed with { Keep = true }; break;
                default:
                    Console.Error.WriteLine($"error: unknown option {args[i]}; --history [--signups-per-day N] [--days N] [--shards N] [--seed N] [--repeats N] [--checkpoints 30,60,90] [--dir folder] [--keep]");
                    return false;
            }
        }
        if (parsed.Checkpoints.Any(c => c < 2 || c > parsed.Days))
        {
            Console.Error.WriteLine($"error: checkpoints must be days 2..{parsed.Days} (a checkpoint runs from the previous day's snapshots)");
            return false;
        }
        if (parsed.Folder is { } folder && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Console.Error.WriteLine($"error: --dir {folder} is not empty");
            return false;
        }
        options = parsed;
        return true;
    }

    /// <summary>The baseline: DuckDB in process, one query over every raw file of processing days up to the report day.</summary>
    private sealed class DuckDb(string rawRoot, long offsetMs)
    {
        /// <summary>A fresh in-memory database per query, so no run finds anything another left behind.</summary>
        private static DuckDBConnection Open()
        {
            var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            return connection;
        }

        public static string Version()
        {
            using var connection = Open();
            return connection.ServerVersion;
        }

        /// <summary>
        /// The lifecycle funnel (Signed Up → Activated ≤ 7 d → first Order Completed ≤ 3 d → next Order Completed ≤ 30 d)
        /// as the engine defines it: person = userId, else the user the device is linked to (its first received call naming
        /// both ids), else anonymousId; entry = the person's earliest
        /// Signed Up; step k = the earliest step-k event strictly after step k-1, within the window; cohort = the
        /// entry's day in the reporting zone, newest 40 cohorts.
        /// </summary>
        public string Sql(DateOnly day)
        {
            var files = new List<string>();
            for (var d = FirstDay; d <= day; d = d.AddDays(1))
            {
                files.Add($"'{Path.Combine(rawRoot, RawBlobName.DayFolder(d)).Replace("'", "''", StringComparison.Ordinal)}/shard-*/*{RawBlobName.Suffix}'");
            }
            var last = day.DayNumber - UnixEpochDay;
            var first = last - FunnelMetric.CohortDays + 1;
            return $$"""
                WITH raw AS MATERIALIZED (
                    SELECT nullif(trim(userId), '') AS userId, nullif(trim(anonymousId), '') AS anonymousId, type, event, "timestamp", receivedAt
                    FROM read_json([{{string.Join(", ", files)}}],
                        format = 'newline_delimited', compression = 'gzip',
                        columns = {type: 'VARCHAR', event: 'VARCHAR', userId: 'VARCHAR', anonymousId: 'VARCHAR',
                                   messageId: 'VARCHAR', "timestamp": 'TIMESTAMP', receivedAt: 'TIMESTAMP'})
                    WHERE messageId IS NOT NULL AND "timestamp" IS NOT NULL AND receivedAt IS NOT NULL
                ),
                links AS (
                    SELECT anonymousId AS device, min({'r': receivedAt, 'u': userId}).u AS userId
                    FROM raw WHERE userId IS NOT NULL AND anonymousId IS NOT NULL GROUP BY anonymousId
                ),
                ev AS MATERIALIZED (
                    SELECT coalesce(r.userId, l.userId, r.anonymousId) AS person, r.event, epoch_ms(r."timestamp") AS ts
                    FROM raw r LEFT JOIN links l ON r.userId IS NULL AND l.device = r.anonymousId
                    WHERE r.type = 'track' AND r.event IN ('Signed Up', 'Activated', 'Order Completed')
                ),
                entry AS (
                    SELECT person, t0, CAST(floor((t0 + {{offsetMs}}) / {{DayMs}}) AS INTEGER) AS cohort
                    FROM (SELECT person, min(ts) AS t0 FROM ev WHERE event = 'Signed Up' AND person IS NOT NULL GROUP BY person)
                    WHERE CAST(floor((t0 + {{offsetMs}}) / {{DayMs}}) AS INTEGER) BETWEEN {{first}} AND {{last}}
                ),
                activated AS (
                    SELECT s.person, s.cohort, min(e.ts) AS t1
                    FROM entry s JOIN ev e ON e.person = s.person AND e.event = 'Activated' AND e.ts > s.t0
                    GROUP BY s.person, s.cohort, s.t0
                    HAVING min(e.ts) <= s.t0 + {{7 * DayMs}}
                ),
                purchased AS (
                    SELECT s.person, s.cohort, min(e.ts) AS t2
                    FROM activated s JOIN ev e ON e.person = s.person AND e.event = 'Order Completed' AND e.ts > s.t1
                    GROUP BY s.person, s.cohort, s.t1
                    HAVING min(e.ts) <= s.t1 + {{3 * DayMs}}
                ),
                repurchased AS (
                    SELECT s.person, s.cohort
                    FROM purchased s JOIN ev e ON e.person = s.person AND e.event = 'Order Completed' AND e.ts > s.t2
                    GROUP BY s.person, s.cohort, s.t2
                    HAVING min(e.ts) <= s.t2 + {{30 * DayMs}}
                )
                SELECT cohort, 0 AS step, count(*) AS persons FROM entry GROUP BY cohort
                UNION ALL SELECT cohort, 1, count(*) FROM activated GROUP BY cohort
                UNION ALL SELECT cohort, 2, count(*) FROM purchased GROUP BY cohort
                UNION ALL SELECT cohort, 3, count(*) FROM repurchased GROUP BY cohort
                """;
        }

        /// <summary>Runs the query with <paramref name="threads"/> DuckDB threads; the time covers the query and reading its rows.</summary>
        public (double Ms, Dictionary<(int Cohort, int Step), long> Counts) LifecycleFunnel(DateOnly day, int threads)
        {
            using var connection = Open();
            using (var set = connection.CreateCommand())
            {
                set.CommandText = $"SET threads = {threads}";
                set.ExecuteNonQuery();
            }
            var sql = Sql(day);
            var counts = new Dictionary<(int, int), long>();
            var watch = Stopwatch.StartNew();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    counts[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetInt64(2);
                }
            }
            return (watch.Elapsed.TotalMilliseconds, counts);
        }
    }
}
