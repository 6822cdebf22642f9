using Funnel.Handler;

await HandlerApp.Build(args).RunAsync();
