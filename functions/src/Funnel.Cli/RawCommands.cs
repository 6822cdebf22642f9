using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Funnel.Domain.Events;
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
        count.Options.Add(CliStorage.ConnectionOption);
        count.SetAction(async (parse, ct) =>
        {
            DateOnly? only = null;
            if (parse.GetValue(day) is { } text)
            {
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    await Console.Error.WriteLineAsync($"--day: '{text}' is not a date in the form yyyy-MM-dd");
                    return 2;
                }
                only = d;
            }
            var store = new BlobRawEventStore(CliStorage.Open(parse).Blobs);
            var tally = await RawTally.CountAsync(store, only, ct);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(tally));
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{tally.Events}[/] events ({tally.DistinctMessageIds} distinct messageIds) from [bold]{tally.Persons}[/] persons in {tally.Blobs} blobs over {tally.Days} day(s) at {store.ContainerUri}");
            }
            return 0;
        });
        return new Command("raw", "Inspect raw event storage") { count };
    }
}

/// <summary>Counts of what raw storage holds.</summary>
internal sealed record RawTally(int Blobs, int Days, long Events, long DistinctMessageIds, long Persons)
{
    public static async Task<RawTally> CountAsync(BlobRawEventStore store, DateOnly? day, CancellationToken cancellationToken)
    {
        var blobs = 0;
        long events = 0;
        var days = new HashSet<DateOnly>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var persons = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var name in store.ListAsync(day, cancellationToken))
        {
            blobs++;
            days.Add(name.Day);
            foreach (var line in await store.ReadLinesAsync(name, cancellationToken))
            {
                using var document = JsonDocument.Parse(line);
                events++;
                if (document.RootElement.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId)
                {
                    ids.Add(messageId);
                }
                if (PersonKey.Of(document.RootElement) is { } person)
                {
                    persons.Add(person);
                }
            }
        }
        return new RawTally(blobs, days.Count, events, ids.Count, persons.Count);
    }
}
