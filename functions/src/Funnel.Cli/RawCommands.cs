using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Storage.Raw;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel raw count</c>: what arrived in raw storage.</summary>
internal static class RawCommands
{
    public static Command Build()
    {
        var day = new Option<string?>("--day") { Description = "Only this processing day (yyyy-MM-dd)" };
        var json = new Option<bool>("--json") { Description = "Print the counts as one JSON object" };
        var count = new Command("count", "Count events, distinct persons and blobs in raw storage") { day, json };
        count.SetAction(async (parse, ct) =>
        {
            if (!TryReadDay(parse, day, out var only))
            {
                return 2;
            }
            var store = new BlobRawEventStore(CliStorage.Open(parse).Blobs);
            var tally = await RawTally.CountAsync(store, only, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(tally));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{tally.Events}[/] events ({tally.DistinctMessageIds} distinct messageIds) from [bold]{tally.Persons}[/] user and device ids (the daily run links devices to users) in {tally.Blobs} blobs over {tally.Days} day(s) at {store.ContainerUri}");
            }
            return 0;
        });
        var target = new Option<DirectoryInfo>("--out") { Description = "Folder to copy into, laid out as {day}/shard-{nn}/{batch}.ndjson.gz", Required = true };
        var export = new Command("export", "Copy raw blobs to a local folder (same layout), e.g. for offline aggregation") { day, target };
        export.SetAction(async (parse, ct) =>
        {
            var store = new BlobRawEventStore(CliStorage.Open(parse).Blobs);
            var root = parse.GetValue(target)!;
            if (!TryReadDay(parse, day, out var only))
            {
                return 2;
            }
            var copied = 0;
            await Parallel.ForEachAsync(store.ListAsync(only, ct), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (name, token) =>
            {
                var path = Path.Combine(root.FullName, name.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var file = File.Create(path);
                await store.DownloadAsync(name, file, token);
                Interlocked.Increment(ref copied);
            });
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"copied {copied} raw blobs to {root.FullName}");
            return 0;
        });
        return new Command("raw", "Inspect raw event storage") { count, export };
    }

    private static bool TryReadDay(ParseResult parse, Option<string?> option, out DateOnly? day)
    {
        day = null;
        if (parse.GetValue(option) is not { } text)
        {
            return true;
        }
        if (!ReportingDay.TryParse(text, out var parsed))
        {
            Console.Error.WriteLine($"--day: '{text}' is not a date in the form yyyy-MM-dd");
            return false;
        }
        day = parsed;
        return true;
    }
}

/// <summary>Counts of what raw storage holds.</summary>
internal sealed record RawTally(int Blobs, int Days, long Events, long DistinctMessageIds, long Persons)
{
    public static async Task<RawTally> CountAsync(BlobRawEventStore store, DateOnly? day, CancellationToken cancellationToken)
    {
        var names = new List<Funnel.Engine.Processing.RawBlobName>();
        await foreach (var name in store.ListAsync(day, cancellationToken))
        {
            names.Add(name);
        }
        long events = 0;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var persons = new HashSet<string>(StringComparer.Ordinal);
        var gate = new Lock();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            var lines = await store.ReadLinesAsync(name, ct);
            var blobIds = new List<string>(lines.Count);
            var blobPersons = new List<string>(lines.Count);
            foreach (var line in lines)
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId)
                {
                    blobIds.Add(messageId);
                }
                if (PersonKey.Of(document.RootElement) is { } person)
                {
                    blobPersons.Add(person);
                }
            }
            lock (gate)
            {
                events += lines.Count;
                ids.UnionWith(blobIds);
                persons.UnionWith(blobPersons);
            }
        });
        return new RawTally(names.Count, names.Select(n => n.Day).Distinct().Count(), events, ids.Count, persons.Count);
    }
}
