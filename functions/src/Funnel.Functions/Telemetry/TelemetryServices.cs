using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Funnel.Functions.Telemetry;

/// <summary>Sends the worker's logs, traces (requests, dependencies) and <see cref="PipelineMetrics"/> to Application Insights when it is configured.</summary>
public static class TelemetryServices
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=…;Authorization=AAD</c>: export with that managed identity (the resource accepts no keys).</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddPipelineTelemetry(this IServiceCollection services, IConfiguration configuration, bool underFunctionsHost)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }
        var telemetry = services.AddOpenTelemetry();
        if (underFunctionsHost)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }
        telemetry
            .WithTracing(tracing => tracing.AddSource("Azure.*"))
            .WithMetrics(metrics => metrics.AddMeter(PipelineMetrics.MeterName))
            .UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (ManagedIdentityClientId(configuration[AuthenticationSetting]) is { } clientId)
                {
                    options.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
                }
            });
        return services;
    }

    private static string? ManagedIdentityClientId(string? authentication) =>
        authentication?.Split(';', StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(pair => pair.Length == 2 && pair[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1];
}
