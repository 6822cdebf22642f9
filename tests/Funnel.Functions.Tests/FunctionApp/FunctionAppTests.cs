using System.Text.Json;
using Funnel.Functions;
using Funnel.Standalone;
using Funnel.Standalone.Functions;
using Funnel.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Functions.Tests.FunctionApp;

/// <summary>The function app as the Functions host sees it (metadata the Worker SDK generated, host.json) and as the standalone host serves it.</summary>
public class FunctionAppTests
{
    private static readonly IReadOnlyList<AppFunction> Functions = AppFunction.In(StandaloneApp.FunctionApp);

    private static Dictionary<string, JsonElement> Metadata() =>
        FunctionAppOutput.Json("functions.metadata").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f);

    private static JsonElement TriggerBinding(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    private static string TriggerType(AppFunction function) => function.Trigger switch
    {
        HttpTriggerAttribute => "httpTrigger",
        QueueTriggerAttribute => "queueTrigger",
        TimerTriggerAttribute => "timerTrigger",
        OrchestrationTriggerAttribute => "orchestrationTrigger",
        ActivityTriggerAttribute => "activityTrigger",
        _ => function.Trigger.GetType().Name,
    };

    [Fact]
    public void The_generated_metadata_lists_each_function_with_its_trigger()
    {
        var metadata = Metadata();
        Assert.Equal(Functions.Select(f => f.Name).Order(StringComparer.Ordinal), metadata.Keys.Order(StringComparer.Ordinal));
        foreach (var function in Functions)
        {
            var trigger = TriggerBinding(metadata[function.Name]);
            Assert.Equal(TriggerType(function), trigger.GetProperty("type").GetString());
            Assert.Equal("dotnet-isolated", metadata[function.Name].GetProperty("language").GetString());
        }

        var ingest = TriggerBinding(metadata[FunctionNames.Ingest]);
        Assert.Equal("httpTrigger", ingest.GetProperty("type").GetString());
        Assert.Equal("v1/{kind}", ingest.GetProperty("route").GetString());
        Assert.Equal(["post"], ingest.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Anonymous", ingest.GetProperty("authLevel").GetString());

        var process = TriggerBinding(metadata[FunctionNames.ProcessEvents]);
        Assert.Equal("queueTrigger", process.GetProperty("type").GetString());
        Assert.Equal(StorageNames.EventsQueue, process.GetProperty("queueName").GetString());
        Assert.Equal(FunctionNames.StorageConnection, process.GetProperty("connection").GetString());
    }

    [Fact]
    public void The_build_lists_the_queue_and_durable_extensions_for_the_host_with_their_assemblies_under_azurefunctions()
    {
        var extensions = FunctionAppOutput.Json("extensions.json").GetProperty("extensions").EnumerateArray().ToList();
        foreach (var name in new[] { "AzureStorageQueues", "DurableTask" })
        {
            var extension = Assert.Single(extensions, e => e.GetProperty("name").GetString() == name);
            var hint = extension.GetProperty("hintPath").GetString()!;
            Assert.StartsWith("./.azurefunctions/", hint, StringComparison.Ordinal);
            Assert.True(File.Exists(FunctionAppOutput.PathOf(hint)), $"{hint} is missing from the build output");
        }
        Assert.True(File.Exists(FunctionAppOutput.PathOf("worker.config.json")));
        Assert.Equal("dotnet-isolated", FunctionAppOutput.Json("worker.config.json").GetProperty("description").GetProperty("language").GetString());
    }

    [Fact]
    public async Task Every_function_of_the_app_is_served_by_the_standalone_host()
    {
        await using var host = StandaloneHost.Start();
        var served = host.Services.GetRequiredService<ServedFunctions>().All.ToDictionary(s => s.Name);
        Assert.Equal(Functions.Select(f => f.Name).Order(StringComparer.Ordinal), served.Keys.Order(StringComparer.Ordinal));

        var endpoints = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        var metadata = Metadata();
        foreach (var function in Functions)
        {
            var trigger = TriggerBinding(metadata[function.Name]);
            Assert.Equal(trigger.GetProperty("type").GetString(), served[function.Name].Trigger);
            switch (function.Trigger)
            {
                case HttpTriggerAttribute:
                    var route = "/" + trigger.GetProperty("route").GetString();
                    foreach (var method in trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))
                    {
                        Assert.Contains(endpoints, e => "/" + e.RoutePattern.RawText!.TrimStart('/') == route
                            && e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Contains(method));
                    }
                    break;
                case QueueTriggerAttribute:
                    Assert.Equal(trigger.GetProperty("queueName").GetString(), served[function.Name].Source);
                    break;
                case TimerTriggerAttribute:
                    Assert.Equal(trigger.GetProperty("schedule").GetString(), served[function.Name].Source);
                    break;
                case OrchestrationTriggerAttribute or ActivityTriggerAttribute:
                    // Registered with the in-memory Durable Task engine; the orchestration tests run them there.
                    Assert.Contains("durable task", served[function.Name].Source, StringComparison.Ordinal);
                    break;
                default:
                    Assert.Fail($"function {function.Name} has a trigger the standalone host does not serve: {function.Trigger.GetType().Name}");
                    break;
            }
        }
    }

    [Fact]
    public void Host_json_configures_the_isolated_worker_app_and_no_custom_handler()
    {
        var host = RepoPaths.Json("functions", "src", "Funnel.Functions", "host.json");
        Assert.Equal("2.0", host.GetProperty("version").GetString());
        Assert.False(host.TryGetProperty("customHandler", out _));
        Assert.False(host.TryGetProperty("extensionBundle", out _));
        var extensions = host.GetProperty("extensions");
        Assert.Equal(string.Empty, extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        var queues = extensions.GetProperty("queues");
        Assert.Equal(FunctionNames.MaxDeliveryCount, queues.GetProperty("maxDequeueCount").GetInt32());
        // Ingest sends plain UTF-8 JSON messages; the trigger's default would expect base64.
        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        Assert.True(File.Exists(FunctionAppOutput.PathOf("host.json")), "host.json is not copied to the build output");
    }

    [Fact]
    public void No_custom_handler_or_function_json_remains_in_the_repository()
    {
        var skipped = new[] { ".git", "bin", "obj", "node_modules", ".local", "TestResults", "artifacts" };
        var offenders = new List<string>();
        var pending = new Stack<string>([RepoPaths.Root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var sub in Directory.GetDirectories(dir).Where(d => !skipped.Contains(Path.GetFileName(d))))
            {
                pending.Push(sub);
            }
            foreach (var file in Directory.GetFiles(dir))
            {
                if (Path.GetFileName(file) == "function.json")
                {
                    offenders.Add(file);
                }
                else if (Path.GetExtension(file) is ".json" or ".bicep" or ".bicepparam" or ".sh" or ".md"
                    && File.ReadAllText(file).Contains("customHandler", StringComparison.OrdinalIgnoreCase))
                {
                    offenders.Add(file);
                }
            }
        }
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_sample_local_settings_run_the_isolated_worker_with_every_setting_the_app_needs()
    {
        var values = RepoPaths.Json("local.settings.sample.json").GetProperty("Values");
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        foreach (var setting in new[] { FunctionNames.StorageConnection, "Storage__ConnectionString", "Ingest__WriteKeys__0", "Pipeline__Shards", "Reporting__TimeZone" })
        {
            Assert.True(values.TryGetProperty(setting, out _), $"local.settings.sample.json lacks {setting}");
        }
        Assert.False(values.TryGetProperty("ServiceBusConnection__fullyQualifiedNamespace", out _));
    }
}
