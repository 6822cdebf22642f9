using Funnel.Testing;
using System.Text.Json;
using Funnel.Storage;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Handler.Tests.FunctionHost;

/// <summary>Every function.json and host.json must agree with what the app serves and the names the code uses.</summary>
public class FunctionJsonAgreementTests
{
    private static readonly string[] KnownQueues = [StorageNames.EventsQueue, StorageNames.AggregateShardQueue, StorageNames.FinalizeReportQueue];

    public static TheoryData<string> Functions()
    {
        var data = new TheoryData<string>();
        foreach (var function in FunctionFolders())
        {
            data.Add(function);
        }
        return data;
    }

    private static async Task<List<(string Pattern, string[] Methods)>> ServedRoutesAsync()
    {
        await using var host = HandlerHost.Start();
        var sources = host.Services.GetServices<EndpointDataSource>();
        return sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => ("/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.ToArray() ?? Array.Empty<string>()))
            .ToList();
    }

    [Fact]
    public void The_function_folders_are_exactly_the_catalogued_functions() =>
        Assert.Equal([FunctionCatalog.Ingest, FunctionCatalog.ProcessEvents], FunctionFolders());

    private static string[] FunctionFolders() =>
        Directory.GetDirectories(RepoPaths.Of("functions")).Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task The_app_answers_the_host_at_POST_function_name(string function)
    {
        var routes = await ServedRoutesAsync();
        Assert.Contains(routes, r => r.Pattern == "/" + function && r.Methods.Contains("POST"));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Http_triggers_are_served_at_their_route_with_their_methods(string function)
    {
        var routes = await ServedRoutesAsync();
        foreach (var binding in Bindings(function).Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
        {
            var route = "/" + binding.GetProperty("route").GetString();
            Assert.Equal(FunctionCatalog.HttpRequestBinding, binding.GetProperty("name").GetString());
            foreach (var method in binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()))
            {
                Assert.Contains(routes, r => r.Pattern == route && r.Methods.Contains(method));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Queue_bindings_name_known_queues_and_the_identity_connection_setting(string function)
    {
        foreach (var binding in Bindings(function).Where(b => b.GetProperty("type").GetString()!.StartsWith("serviceBus", StringComparison.Ordinal)))
        {
            Assert.Contains(binding.GetProperty("queueName").GetString(), KnownQueues);
            Assert.Equal(FunctionCatalog.ServiceBusConnectionSetting, binding.GetProperty("connection").GetString());
        }
    }

    [Fact]
    public void Binding_names_match_the_names_the_handler_reads_and_writes()
    {
        var ingest = Bindings(FunctionCatalog.Ingest).ToDictionary(b => b.GetProperty("type").GetString()!, b => b);
        Assert.Equal(FunctionCatalog.HttpResponseBinding, ingest["http"].GetProperty("name").GetString());
        Assert.Equal(FunctionCatalog.EventsOutputBinding, ingest["serviceBus"].GetProperty("name").GetString());
        Assert.Equal(StorageNames.EventsQueue, ingest["serviceBus"].GetProperty("queueName").GetString());
        Assert.Equal("binary", ingest["httpTrigger"].GetProperty("dataType").GetString());
        Assert.Equal("/v1/{kind}", "/" + ingest["httpTrigger"].GetProperty("route").GetString());
        Assert.Equal(FunctionCatalog.IngestRoute, ingest["httpTrigger"].GetProperty("route").GetString());

        var trigger = Assert.Single(Bindings(FunctionCatalog.ProcessEvents));
        Assert.Equal("serviceBusTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(FunctionCatalog.QueueTriggerBinding, trigger.GetProperty("name").GetString());
        Assert.Equal(StorageNames.EventsQueue, trigger.GetProperty("queueName").GetString());
    }

    [Fact]
    public void Host_json_runs_our_executable_as_a_custom_handler_with_an_empty_route_prefix()
    {
        var host = RepoPaths.Json("functions", "host.json");
        var handler = host.GetProperty("customHandler");
        Assert.False(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(typeof(HandlerApp).Assembly.GetName().Name, Path.GetFileName(handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString()));
        Assert.Equal(string.Empty, host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", host.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal(FunctionCatalog.MaxDeliveryCount, host.GetProperty("extensions").GetProperty("queues").GetProperty("maxDequeueCount").GetInt32());
    }

    [Fact]
    public void The_sample_local_settings_name_every_setting_the_host_and_app_need()
    {
        var values = RepoPaths.Json("local.settings.sample.json").GetProperty("Values");
        Assert.Equal("custom", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        foreach (var setting in new[]
        {
            "AzureWebJobsStorage", FunctionCatalog.ServiceBusConnectionSetting + "__fullyQualifiedNamespace",
            "Storage__ConnectionString", "Ingest__WriteKeys__0", "Pipeline__Shards", "Reporting__TimeZone",
        })
        {
            Assert.True(values.TryGetProperty(setting, out _), $"local.settings.sample.json lacks {setting}");
        }
    }

    private static List<JsonElement> Bindings(string function) =>
        RepoPaths.Json("functions", function, "function.json").GetProperty("bindings").EnumerateArray().ToList();
}
