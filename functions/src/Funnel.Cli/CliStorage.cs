using System.CommandLine;
using Funnel.Storage.Configuration;

namespace Funnel.Cli;

/// <summary>
/// The storage account a command works on: <c>--account</c> (an Azure account, reached with your Entra
/// sign-in), else <c>--connection</c>, else <c>Storage__ConnectionString</c>, else local Azurite.
/// </summary>
internal static class CliStorage
{
    public static readonly Option<string?> ConnectionOption = new("--connection")
    {
        Description = "Storage connection string (default: $Storage__ConnectionString, else local Azurite)",
        Recursive = true,
    };

    public static readonly Option<string?> AccountOption = new("--account")
    {
        Description = "Azure storage account name, reached with your Azure sign-in (az login) instead of keys",
        Recursive = true,
    };

    public static StorageClients Open(ParseResult parse)
    {
        if (parse.GetValue(AccountOption) is { Length: > 0 } account)
        {
            return new StorageClients(new StorageOptions
            {
                BlobServiceUri = new Uri($"https://{account}.blob.core.windows.net"),
                QueueServiceUri = new Uri($"https://{account}.queue.core.windows.net"),
                TableServiceUri = new Uri($"https://{account}.table.core.windows.net"),
            });
        }
        var connection = parse.GetValue(ConnectionOption) ?? Environment.GetEnvironmentVariable("Storage__ConnectionString");
        return new StorageClients(new StorageOptions { ConnectionString = connection });
    }
}
