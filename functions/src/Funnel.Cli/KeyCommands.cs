using System.CommandLine;
using System.Security.Cryptography;
using Funnel.Storage;
using Funnel.Storage.Keys;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel keys</c>: makes write keys (ingest) and read keys (reports API), stores only their hashes, prints each key once; revokes them.</summary>
internal static class KeyCommands
{
    public static Command Build()
    {
        var command = new Command("keys", "Manage write keys (for SDKs) and read keys (for the reports API)")
        {
            Create("create-write", "Create a write key for a source (an app, a backend)", StorageNames.WriteKeysTable, "wk_", "your SDK's configuration"),
            Create("create-read", "Create a read key for the reports API (a team, a dashboard)", StorageNames.ReadKeysTable, "rk_", "the client's Authorization: Bearer header"),
            Revoke("revoke-write", StorageNames.WriteKeysTable),
            Revoke("revoke-read", StorageNames.ReadKeysTable),
        };
        return command;
    }

    private static Command Create(string name, string description, string table, string prefix, string where)
    {
        var label = new Option<string>("--label") { Description = "Who the key is for (e.g. 'ios app', 'growth team')", Required = true };
        var create = new Command(name, description + "; the key is printed once and stored hashed") { label };
        create.SetAction(async (parse, ct) =>
        {
            var storage = CliStorage.Open(parse);
            await storage.Tables.CreateTableIfNotExistsAsync(table, ct);
            var key = prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
            var id = await new TableKeyDirectory(storage.Tables, table, [], TimeProvider.System).AddAsync(key, parse.GetValue(label)!, ct);
            AnsiConsole.MarkupLine($"Key (shown once, put it in {Markup.Escape(where)}); its id for revoking is [bold]{id}[/]:");
            Console.WriteLine(key);
            return 0;
        });
        return create;
    }

    private static Command Revoke(string name, string table)
    {
        var key = new Argument<string>("id-or-key") { Description = "The key's id (printed at creation) or the key itself" };
        var revoke = new Command(name, "Revoke a key: requests with it are refused within a minute") { key };
        revoke.SetAction(async (parse, ct) =>
        {
            var storage = CliStorage.Open(parse);
            if (!await new TableKeyDirectory(storage.Tables, table, [], TimeProvider.System).RevokeAsync(parse.GetValue(key)!, ct))
            {
                await Console.Error.WriteLineAsync($"error: no key with that id in the {table} table");
                return 1;
            }
            AnsiConsole.MarkupLine("revoked");
            return 0;
        });
        return revoke;
    }
}
