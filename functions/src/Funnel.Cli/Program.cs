using System.CommandLine;
using Azure;
using Funnel.Cli;

var root = new RootCommand("funnel: operate the Funnel pipeline's storage (raw events, poison queues, write keys, sample data)")
{
    RawCommands.Build(),
    PoisonCommands.Build(),
    QueueCommands.Build(),
    KeyCommands.Build(),
    SampleCommands.Build(),
    OfflineCommands.Generate(),
    OfflineCommands.Aggregate(),
    ReportCommands.Build(),
    ImportCommands.Build(),
    DefinitionsCommands.Build(),
    SpendCommands.Build(),
};
root.Options.Add(CliStorage.ConnectionOption);
root.Options.Add(CliStorage.AccountOption);
var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
try
{
    return await root.Parse(args).InvokeAsync(configuration);
}
catch (Exception ex) when (ex is RequestFailedException or AggregateException { InnerException: RequestFailedException })
{
    var failure = ex as RequestFailedException ?? (RequestFailedException)ex.InnerException!;
    await Console.Error.WriteLineAsync($"error: storage request failed ({failure.Status} {failure.ErrorCode}): {failure.Message.Split('\n')[0]}");
    await Console.Error.WriteLineAsync("hint: pass --connection or set Storage__ConnectionString; the default is local Azurite on ports 10000-10002");
    return 1;
}
