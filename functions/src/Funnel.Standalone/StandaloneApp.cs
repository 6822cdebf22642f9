using Funnel.Functions;
using Funnel.Functions.Ingest;
using Funnel.Functions.Telemetry;
using Funnel.Standalone.Functions;
using Funnel.Standalone.Hosting;

namespace Funnel.Standalone;

/// <summary>
/// Builds the standalone host: the function app's services and its own function classes, served by
/// ASP.NET Core (HTTP triggers) and in-process queue pollers (queue triggers), where no Functions host runs.
/// </summary>
public static class StandaloneApp
{
    /// <summary>The function app whose functions this host serves.</summary>
    public static System.Reflection.Assembly FunctionApp => typeof(IngestFunction).Assembly;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var functions = AppFunction.In(FunctionApp);
        var served = new ServedFunctions();
        builder.Services.AddSingleton(served);
        builder.Services.AddPipeline();
        builder.Services.AddPipelineTelemetry(builder.Configuration, underFunctionsHost: false);
        builder.Services.AddCors(cors => cors.AddPolicy(HttpFunctionEndpoints.CorsPolicy, policy => policy
            .AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST", "OPTIONS").WithExposedHeaders("Retry-After")));
        builder.Services.AddHostedService<StorageBootstrap>();
        builder.Services.AddQueueFunctionPollers(functions, served);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseCors();
        app.MapGet("/", () => Results.Text("Funnel pipeline (standalone host) is running"));
        app.MapHttpFunctions(functions);
        return app;
    }
}
