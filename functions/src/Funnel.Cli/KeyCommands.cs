using System.CommandLine;
using System.Security.Cryptography;
using Funnel.Storage.Keys;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel keys create-write</c>: makes a write key, stores only its hash, prints the key once.</summary>
internal static class KeyCommands
{
    public static Command Build()
    {
        var label = new Option<string>("--label") { Description = "Who the key is for (e.g. 'ios app')", Required = true };
        var create = new Command("create-write", "Create a write key for a source; the key is printed once and stored hashed") { label };
        create.SetAction(async (parse, ct) =>
        {
            var storage = CliStorage.Open(parse);
            await storage.Tables.CreateTableIfNotExistsAsync(Funnel.Storage.StorageNames.WriteKeysTable, ct);
            var key = "wk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            var directory = new TableWriteKeyDirectory(storage.Tables, [], TimeProvider.System);
            await directory.AddAsync(key, parse.GetValue(label)!, ct);
            AnsiConsole.MarkupLine("Write key (shown once, store it in your SDK's configuration):");
            Console.WriteLine(key);
            return 0;
        });
        var command = new Command("keys", "Manage write keys") { create };
        return command;
    }
}
