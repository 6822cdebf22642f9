using System.CommandLine;
using System.Globalization;
using Funnel.Domain.Simulation;
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
        var command = new Command("sample", "Write realistic Segment calls (NDJSON) for the demo and load tests") { persons, days, seed, output };
        command.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(output)!;
            if (parse.GetValue(persons) < 1 || parse.GetValue(days) < 1)
            {
                await Console.Error.WriteLineAsync("--persons and --days must be at least 1");
                return 2;
            }
            var count = 0;
            await using (var writer = new StreamWriter(file.FullName))
            {
                foreach (var call in SegmentCalls.Journeys(parse.GetValue(persons), parse.GetValue(days), DateTimeOffset.UtcNow.AddMinutes(-5), parse.GetValue(seed)))
                {
                    await writer.WriteLineAsync(call.ToJsonString().AsMemory(), ct);
                    count++;
                }
            }
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"wrote {count} calls for {parse.GetValue(persons)} persons to {file.FullName}");
            return 0;
        });
        return command;
    }
}
