using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel queue status</c>: how many messages wait in each queue and its poison queue.</summary>
internal static class QueueCommands
{
    public static Command Build()
    {
        var json = new Option<bool>("--json") { Description = "Print the counts as one JSON object" };
        var status = new Command("status", "Messages waiting (including those being processed) in each queue and poison queue") { json };
        status.SetAction(async (parse, ct) =>
        {
            var queues = CliStorage.Open(parse).Queues;
            var counts = new Dictionary<string, int>();
            foreach (var name in StorageNames.Queues)
            {
                counts[name] = await new StorageQueueChannel(queues, name).ApproximateCountAsync(ct);
                counts[StorageNames.PoisonQueueOf(name)] = await new StorageQueueChannel(queues, StorageNames.PoisonQueueOf(name)).ApproximateCountAsync(ct);
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(counts));
                return 0;
            }
            var table = new Table().AddColumns("queue", "messages");
            foreach (var (name, count) in counts)
            {
                table.AddRow(name, count.ToString(CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return new Command("queue", "Inspect the pipeline's queues") { status };
    }
}
