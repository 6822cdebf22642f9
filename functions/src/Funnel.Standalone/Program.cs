using Funnel.Standalone;

await StandaloneApp.Build(args).RunAsync();
