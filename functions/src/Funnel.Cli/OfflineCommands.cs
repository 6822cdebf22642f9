using System.CommandLine;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Simulation;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel generate</c> and <c>funnel aggregate</c>: the engine offline, on folders laid out like the raw container.</summary>
internal static class OfflineCommands
{
    public static Command Generate()
    {
        var days = new Option<int>("--days") { Description = "Days of signups to simulate", DefaultValueFactory = _ => 60 };
        var perDay = new Option<int>("--persons-per-day") { Description = "Signups per day (anonymous visitors come on top)", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same data", DefaultValueFactory = _ => 42 };
        var zone = new Option<string>("--tz") { Description = "IANA zone of the simulated persons' days", DefaultValueFactory = _ => "Asia/Shanghai" };
        var firstDay = new Option<string>("--first-day") { Description = "First simulated day (yyyy-MM-dd)", DefaultValueFactory = _ => "2026-09-01" };
        var shards = new Option<int>("--shards") { Description = "User shards to lay the files out in", DefaultValueFactory = _ => 16 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write {day}/shard-{nn}/*.ndjson.gz into", Required = true };
        var command = new Command("generate", "Write a realistic generated data set (late, duplicate and shuffled events included) in the raw layout")
        {
            days, perDay, seed, zone, firstDay, shards, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryDay(parse.GetValue(firstDay)!, "--first-day", out var first))
            {
                return 2;
            }
            var settings = new SimulationSettings { Days = parse.GetValue(days), SignupsPerDay = parse.GetValue(perDay), Seed = parse.GetValue(seed), TimeZone = parse.GetValue(zone)!, FirstDay = first };
            SortedDictionary<DateOnly, List<SimulatedEvent>> data;
            try
            {
                data = new JourneySimulator(settings).Deliveries();
            }
            catch (Exception ex) when (ex is ArgumentException or TimeZoneNotFoundException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }
            var router = new ShardRouter(parse.GetValue(shards));
            var root = parse.GetValue(output)!.FullName;
            long written = 0;
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("writing raw days", maxValue: data.Count);
                foreach (var (day, events) in data)
                {
                    foreach (var shard in events.GroupBy(e => router.ShardOf(e.Event.PersonKey)))
                    {
                        var path = Path.Combine(root, RawBlobName.DayFolder(day), ShardRouter.FolderName(shard.Key), $"generated-{settings.Seed}{RawBlobName.Suffix}");
                        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                        await using var file = new GZipStream(File.Create(path), CompressionLevel.Optimal);
                        written += StoredEvents.WriteNdjson(file, shard);
                    }
                    task.Increment(1);
                }
            });
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {written} events over {data.Count} processing days to {root}");
            return 0;
        });
        return command;
    }

    public static Command Aggregate()
    {
        var raw = new Option<DirectoryInfo>("--raw") { Description = "Folder laid out as {day}/shard-{nn}/*.ndjson(.gz) (or holding such a raw/ folder)", Required = true };
        var from = new Option<string>("--from") { Description = "First processing day to fold (yyyy-MM-dd)", Required = true };
        var to = new Option<string>("--to") { Description = "Last processing day to fold (yyyy-MM-dd)", Required = true };
        var zone = new Option<string>("--tz") { Description = "IANA zone of the report days", DefaultValueFactory = _ => "UTC" };
        var shards = new Option<int>("--shards") { Description = "User shards to fold in", DefaultValueFactory = _ => 16 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for {day}/report.json and state/shard-{nn}/{day}.bin", Required = true };
        var definitionsFile = new Option<FileInfo?>("--definitions") { Description = "Funnel definitions (JSON); default: the built-in lifecycle and purchase-path funnels" };
        var command = new Command("aggregate", "Fold raw days in order from empty state and write each day's report and state snapshots") { raw, from, to, zone, shards, output, definitionsFile };
        command.SetAction(async (parse, ct) =>
        {
            if (!TryDay(parse.GetValue(from)!, "--from", out var first) || !TryDay(parse.GetValue(to)!, "--to", out var last))
            {
                return 2;
            }
            if (last < first)
            {
                await Console.Error.WriteLineAsync("error: --to is before --from");
                return 2;
            }
            var rawRoot = parse.GetValue(raw)!.FullName;
            if (Directory.Exists(Path.Combine(rawRoot, "raw")))
            {
                rawRoot = Path.Combine(rawRoot, "raw");
            }
            if (!Directory.Exists(rawRoot))
            {
                await Console.Error.WriteLineAsync($"error: --raw: folder {rawRoot} does not exist");
                return 2;
            }
            DailyAggregation engine;
            try
            {
                var definitions = parse.GetValue(definitionsFile) is { } file
                    ? MetricDefinitions.Load(await File.ReadAllTextAsync(file.FullName, ct), file.FullName)
                    : MetricDefinitions.Default;
                engine = new DailyAggregation(definitions, parse.GetValue(zone)!, parse.GetValue(shards), TimeProvider.System);
            }
            catch (Exception ex) when (ex is ArgumentException or FileNotFoundException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return 2;
            }
            var outRoot = parse.GetValue(output)!.FullName;
            var malformedShown = 0;
            long folded = 0, malformedTotal = 0;
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("folding days", maxValue: last.DayNumber - first.DayNumber + 1);
                for (var day = first; day <= last; day = day.AddDays(1))
                {
                    task.Description = $"folding {ReportingDay.Format(day)}";
                    var malformed = new List<MalformedLine>();
                    var events = ReadDay(rawRoot, day, malformed, engine.Fold.Definitions.KeptProperties);
                    foreach (var m in malformed.Take(Math.Max(0, 10 - malformedShown)))
                    {
                        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]skipped malformed line {m.File}:{m.Line}: {m.Reason}[/]");
                        malformedShown++;
                    }
                    var report = engine.FoldDay(day, events, malformed.Count);
                    folded += report.Events.Folded;
                    malformedTotal += malformed.Count;
                    var dayFolder = Path.Combine(outRoot, ReportingDay.Format(day));
                    Directory.CreateDirectory(dayFolder);
                    await File.WriteAllBytesAsync(Path.Combine(dayFolder, "report.json"), ReportJson.Serialize(report), ct);
                    for (var s = 0; s < engine.Shards.Count; s++)
                    {
                        var statePath = Path.Combine(outRoot, "state", ShardRouter.FolderName(s), $"{ReportingDay.Format(day)}.bin");
                        Directory.CreateDirectory(Path.GetDirectoryName(statePath)!);
                        await using var file = File.Create(statePath);
                        engine.WriteSnapshot(s, file);
                    }
                    task.Increment(1);
                }
            });
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"folded {folded} events ({malformedTotal} malformed lines skipped) into {last.DayNumber - first.DayNumber + 1} daily reports; last: {Path.Combine(outRoot, ReportingDay.Format(last), "report.json")}");
            return 0;
        });
        return command;
    }

    /// <summary>The day's raw events as stored; the engine links devices to users as the daily run does.</summary>
    private static List<ProductEvent> ReadDay(string rawRoot, DateOnly day, List<MalformedLine> malformed, IReadOnlySet<string> keepProperties)
    {
        var folder = Path.Combine(rawRoot, RawBlobName.DayFolder(day));
        if (!Directory.Exists(folder))
        {
            return [];
        }
        var events = new List<ProductEvent>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.ndjson*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var file = File.OpenRead(path);
            events.AddRange(ProductEventReader.Read(file, Path.GetRelativePath(rawRoot, path), path.EndsWith(".gz", StringComparison.Ordinal), malformed, keepProperties));
        }
        return events;
    }

    private static bool TryDay(string text, string option, out DateOnly day)
    {
        if (ReportingDay.TryParse(text, out day))
        {
            return true;
        }
        Console.Error.WriteLine($"error: {option}: '{text}' is not a date in the form yyyy-MM-dd");
        return false;
    }
}
