using System.CommandLine;
using System.Globalization;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel poison list|replay</c>: messages the standalone host parked after repeated failures.</summary>
internal static class PoisonCommands
{
    public static Command Build()
    {
        var queue = new Option<string>("--queue") { Description = "The queue whose poison queue to use", DefaultValueFactory = _ => StorageNames.EventsQueue };
        var max = new Option<int>("--max") { Description = "At most this many messages (1-32)", DefaultValueFactory = _ => 32 };

        var list = new Command("list", "Show parked messages with the reason each failed") { queue, max };
        list.SetAction(async (parse, ct) =>
        {
            var channel = new StorageQueueChannel(CliStorage.Open(parse).Queues, parse.GetValue(queue)!);
            var parked = await channel.PeekPoisonAsync(parse.GetValue(max), ct);
            var table = new Table().AddColumns("message", "failed at", "reason", "body (start)");
            foreach (var m in parked)
            {
                table.AddRow(Markup.Escape(m.MessageId), Markup.Escape(m.FailedAt?.ToString("u") ?? "?"), Markup.Escape(m.Reason), Markup.Escape(m.Body.Length > 60 ? m.Body[..60] + "…" : m.Body));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"{parked.Count} message(s) parked in {StorageNames.PoisonQueueOf(channel.Name)}");
            return 0;
        });

        var replay = new Command("replay", "Move every parked message back to its queue for another try") { queue };
        replay.SetAction(async (parse, ct) =>
        {
            var channel = new StorageQueueChannel(CliStorage.Open(parse).Queues, parse.GetValue(queue)!);
            var count = await channel.ReplayPoisonAsync(ct);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"replayed {count} message(s) from {StorageNames.PoisonQueueOf(channel.Name)} to {channel.Name}");
            return 0;
        });

        var command = new Command("poison", "List or replay poison (dead-letter) messages of the standalone host") { list, replay };
        return command;
    }
}
