using System.CommandLine;
using System.Globalization;
using Funnel.Simulation;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel sample</c>: writes realistic Segment calls as NDJSON, for the demo and load tests.</summary>
internal static class SampleCommands
{
    public static Command Build()
    {
        var persons = new Option<int>("--persons") { Description = "People whose journeys to write", DefaultValueFactory = _ => 1_500 };
        var days = new Option<int>("--days") { Description = "Days over which first visits spread, ending now", DefaultValueFactory = _ => 7 };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same calls", DefaultValueFactory = _ => 42 };
        var output = new Option<FileInfo>("--out") { Description = "NDJSON file to write", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON ({\"calls\",\"humans\"})" };
        var command = new Command("sample", "Write realistic Segment calls (NDJSON) for the demo and load tests") { persons, days, seed, output, json };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(output)!;
            if (parse.GetValue(persons) < 1 || parse.GetValue(days) < 1)
            {
                await Console.Error.WriteLineAsync("--persons and --days must be at least 1");
                return 2;
            }
            int count = 0, humans = 0;
            await using (var writer = new StreamWriter(file.FullName))
            {
                foreach (var journey in SegmentCalls.ByHuman(parse.GetValue(persons), parse.GetValue(days), DateTimeOffset.UtcNow.AddMinutes(-5), parse.GetValue(seed)))
                {
                    humans++;
                    foreach (var call in journey.Calls)
                    {
                        await writer.WriteLineAsync(call.ToJsonString().AsMemory(), ct);
                        count++;
                    }
                }
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"calls\":{count},\"humans\":{humans}}}"));
            }
            else
            {
                // A human who signed in on two devices is one person, however many ids their calls carry.
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {count} calls of {humans} humans to {file.FullName}");
            }
            return 0;
        });
        return command;
    }
}
