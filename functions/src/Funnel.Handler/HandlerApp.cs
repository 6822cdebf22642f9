using System.Globalization;
using Funnel.Handler.CustomHandler;
using Funnel.Handler.Hosting;
using Funnel.Handler.Ingest;

namespace Funnel.Handler;

/// <summary>Builds the one app both hosts run: under the Functions host as a custom handler, or standalone.</summary>
public static class HandlerApp
{
    /// <summary>Set by the Functions host; its presence means we run as a custom handler.</summary>
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var port = Environment.GetEnvironmentVariable(CustomHandlerPortVariable);
        var underFunctionsHost = !string.IsNullOrEmpty(port);
        if (underFunctionsHost)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber) || portNumber is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{CustomHandlerPortVariable} must be a TCP port number, not '{port}'");
            }
            builder.WebHost.UseUrls($"http://127.0.0.1:{portNumber}");
        }
        // Invocation payloads carry a base64 body of up to 500 KB; leave room for it.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
        builder.Services.AddPipeline(underFunctionsHost);
        builder.Services.AddCors(cors => cors.AddPolicy(IngestApi.CorsPolicy, policy => policy
            .AllowAnyOrigin().AllowAnyHeader().WithMethods("POST", "OPTIONS").WithExposedHeaders("Retry-After")));
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseCors();
        // The Functions host polls GET / until the handler answers.
        app.MapGet("/", () => Results.Text("Funnel pipeline handler is running"));
        app.MapIngestApi();
        app.MapCustomHandlerApi();
        return app;
    }
}
