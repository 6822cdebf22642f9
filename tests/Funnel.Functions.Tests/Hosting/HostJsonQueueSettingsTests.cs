using System.Globalization;
using System.Text.Json;
using Funnel.Standalone;
using Funnel.Standalone.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Funnel.Functions.Tests.Hosting;

/// <summary>The standalone host's queue trigger takes its settings from the function app's own host.json, as the Functions host does.</summary>
public class HostJsonQueueSettingsTests
{
    private static readonly string HostJson = RepoPaths.Of("functions", "src", "Funnel.Functions", "host.json");

    private static JsonElement Queues() => RepoPaths.Json("functions", "src", "Funnel.Functions", "host.json").GetProperty("extensions").GetProperty("queues");

    private static TimeSpan Span(JsonElement queues, string name) => TimeSpan.Parse(queues.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static IConfiguration Configuration(Dictionary<string, string?>? settings = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();

    /// <summary>A host.json of its own, for what the function app's does not set.</summary>
    private static string WriteHostJson(string queues)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("host-json-").FullName, "host.json");
        File.WriteAllText(path, $$"""{ "version": "2.0", "extensions": { "queues": {{queues}} } }""");
        return path;
    }

    [Fact]
    public async Task The_standalone_hosts_queue_pollers_follow_every_queue_setting_of_the_function_apps_host_json()
    {
        var queues = Queues();
        // A setting added to host.json that the standalone host does not follow fails here, not silently in a local run.
        Assert.Equal(QueueTriggerSettings.Names.Order(StringComparer.Ordinal), queues.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        await using var host = StandaloneHost.Start();
        var pollers = host.Services.GetServices<IHostedService>().OfType<QueuePoller>().ToList();
        Assert.NotEmpty(pollers);
        foreach (var poller in pollers)
        {
            var trigger = poller.Trigger;
            Assert.Equal(queues.GetProperty("batchSize").GetInt32(), trigger.BatchSize);
            Assert.Equal(queues.GetProperty("newBatchThreshold").GetInt32(), trigger.NewBatchThreshold);
            Assert.Equal(Span(queues, "visibilityTimeout"), trigger.VisibilityTimeout);
            Assert.Equal(queues.GetProperty("maxDequeueCount").GetInt32(), trigger.MaxDequeueCount);
            Assert.Equal(Span(queues, "maxPollingInterval"), trigger.MaxPollingInterval);
            Assert.Equal(queues.GetProperty("messageEncoding").GetString(), trigger.MessageEncoding);
            Assert.Equal($"{poller.Queue}-poison", poller.PoisonQueue);
        }
    }

    [Fact]
    public void The_standalone_build_carries_the_function_apps_host_json_itself()
    {
        Assert.Equal(File.ReadAllText(HostJson), File.ReadAllText(StandaloneApp.HostJson));
        var project = File.ReadAllText(RepoPaths.Of("functions", "src", "Funnel.Standalone", "Funnel.Standalone.csproj"));
        Assert.Contains(@"Include=""..\Funnel.Functions\host.json""", project, StringComparison.Ordinal);
        Assert.False(File.Exists(RepoPaths.Of("functions", "src", "Funnel.Standalone", "host.json")), "the standalone host has a host.json of its own");
    }

    [Fact]
    public void An_AzureFunctionsJobHost_app_setting_overrides_one_host_json_value_as_under_the_Functions_host()
    {
        var queues = Queues();
        var trigger = QueueTriggerSettings.Read(HostJson, Configuration(new()
        {
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:03",
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "2",
        }));
        Assert.Equal(TimeSpan.FromSeconds(3), trigger.VisibilityTimeout);
        Assert.Equal(2, trigger.BatchSize);
        Assert.Equal(queues.GetProperty("maxDequeueCount").GetInt32(), trigger.MaxDequeueCount);
        Assert.Equal(queues.GetProperty("newBatchThreshold").GetInt32(), trigger.NewBatchThreshold);
        Assert.Equal(Span(queues, "maxPollingInterval"), trigger.MaxPollingInterval);
    }

    [Fact]
    public void What_host_json_leaves_out_takes_the_queue_extensions_defaults()
    {
        var trigger = QueueTriggerSettings.Read(WriteHostJson("""{ "messageEncoding": "none" }"""), Configuration());
        Assert.Equal(new QueueTriggerSettings(16, 8 * Environment.ProcessorCount, TimeSpan.Zero, 5, TimeSpan.FromMinutes(1), "none"), trigger);
    }

    [Theory]
    [InlineData("""{ }""", "messageEncoding")]
    [InlineData("""{ "messageEncoding": "base64" }""", "messageEncoding")]
    [InlineData("""{ "messageEncoding": "none", "batchSize": 33 }""", "batchSize")]
    [InlineData("""{ "messageEncoding": "none", "maxDequeueCount": 0 }""", "maxDequeueCount")]
    [InlineData("""{ "messageEncoding": "none", "maxPollingInterval": "00:00:00.050" }""", "maxPollingInterval")]
    [InlineData("""{ "messageEncoding": "none", "visibilityTimeout": "ten seconds" }""", "visibilityTimeout")]
    public void A_setting_the_standalone_host_cannot_follow_stops_it_naming_the_setting(string queues, string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => QueueTriggerSettings.Read(WriteHostJson(queues), Configuration()));
        Assert.Contains($"extensions.queues.{setting}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_host_json_stops_the_host()
    {
        var error = Assert.Throws<InvalidOperationException>(() => QueueTriggerSettings.Read(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "host.json"), Configuration()));
        Assert.Contains("host.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("events", "events-poison")]
    [InlineData("events-poison", null)]
    [InlineData("a23456789012345678901234567890123456789012345678901234567", null)]
    [InlineData("a2345678901234567890123456789012345678901234567890123456", "a2345678901234567890123456789012345678901234567890123456-poison")]
    public void The_poison_queue_is_named_as_the_Functions_host_names_it(string queue, string? poison) =>
        Assert.Equal(poison, QueueTriggerSettings.PoisonQueueOf(queue));

    [Fact]
    public void Polling_an_empty_queue_backs_off_from_the_minimum_to_maxPollingInterval_and_starts_over_once_messages_come()
    {
        var minimum = QueueTriggerSettings.MinimumPollingInterval;
        var maximum = TimeSpan.FromSeconds(2);
        var backoff = new PollingBackoff(minimum, maximum);
        var waits = Enumerable.Range(0, 12).Select(_ => backoff.NextDelay()).ToList();

        Assert.Equal(minimum, waits[0]);
        Assert.All(waits, w => Assert.InRange(w, minimum, maximum));
        Assert.Equal(waits.Order(), waits);
        Assert.True(waits[2] > waits[1] && waits[1] > waits[0], string.Join(", ", waits));
        Assert.Equal(maximum, waits[^1]);

        backoff.Found();
        Assert.Equal(minimum, backoff.NextDelay());
        Assert.True(backoff.NextDelay() > minimum);
    }
}
