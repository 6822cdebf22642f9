using Funnel.Functions;
using Funnel.Functions.Configuration;
using Funnel.Functions.Http;
using Funnel.Functions.Ingest;
using Funnel.Functions.Telemetry;
using Funnel.Standalone.Functions;
using Funnel.Standalone.Hosting;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone;

/// <summary>
/// Builds the standalone host: the function app's services and its own function classes, served by
/// ASP.NET Core (HTTP triggers), in-process queue pollers and timers, and the Durable Task engine in memory (orchestrators, activities), where no Functions host runs.
/// </summary>
public static class StandaloneApp
{
    /// <summary>The function app whose functions this host serves.</summary>
    public static System.Reflection.Assembly FunctionApp => typeof(IngestFunction).Assembly;

    /// <summary>The function app's own host.json, copied beside this host by its project file: one file for both hosts.</summary>
    public static string HostJson => Path.Combine(AppContext.BaseDirectory, "host.json");

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var functions = AppFunction.In(FunctionApp);
        var served = new ServedFunctions();
        builder.Services.AddSingleton(served);
        builder.Services.AddPipeline();
        builder.Services.AddValidatedSettings<StandaloneOptions>(StandaloneOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<StandaloneOptions>, MovedStandaloneSettings>();
        builder.Services.AddPipelineTelemetry(builder.Configuration, underFunctionsHost: false);
        builder.Services.AddCors(cors => cors.AddPolicy(HttpFunctionEndpoints.CorsPolicy, policy => policy
            .AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST", "OPTIONS").WithExposedHeaders("Retry-After")));
        builder.Services.AddHostedService<StorageBootstrap>();
        builder.Services.AddSingleton<FunctionKeys>();
        builder.Services.AddSingleton(sp => QueueTriggerSettings.Read(HostJson, sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddQueueFunctionPollers(functions, served);
        builder.Services.AddTimerFunctions(functions, served);
        builder.Services.AddDurableFunctions(functions, served);
        configure?.Invoke(builder);

        var app = builder.Build();
        // Settings read at build, so a broken host.json or key setting stops the host before it serves anything.
        app.Services.GetRequiredService<QueueTriggerSettings>();
        app.Services.GetRequiredService<FunctionKeys>();
        app.Services.UseDurableFunctions();
        app.Use((context, next) =>
        {
            SecurityHeaders.Apply(context.Response);
            return next(context);
        });
        app.UseCors();
        app.MapGet("/", () => Results.Text("Funnel pipeline (standalone host) is running"));
        app.MapHttpFunctions(functions);
        return app;
    }
}
