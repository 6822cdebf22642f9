using System.CommandLine;
using Funnel.Cli;

var root = new RootCommand("funnel: operate the Funnel pipeline's storage (raw events, poison queues, write keys, sample data)")
{
    RawCommands.Build(),
    PoisonCommands.Build(),
    KeyCommands.Build(),
    SampleCommands.Build(),
};
return await root.Parse(args).InvokeAsync();
