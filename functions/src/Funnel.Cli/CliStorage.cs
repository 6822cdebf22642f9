using System.CommandLine;
using Funnel.Storage.Configuration;

namespace Funnel.Cli;

/// <summary>The storage account a command works on: <c>--connection</c>, else <c>Storage__ConnectionString</c>, else local Azurite.</summary>
internal static class CliStorage
{
    public static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "Storage connection string (default: $Storage__ConnectionString, else local Azurite)",
        Recursive = true,
    };

    public static StorageClients Open(ParseResult parse)
    {
        var connection = parse.GetValue(ConnectionOption) ?? Environment.GetEnvironmentVariable("Storage__ConnectionString");
        return new StorageClients(new StorageOptions { ConnectionString = connection });
    }
}
