using Funnel.Standalone;
using Funnel.Standalone.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Tests.Settings;

/// <summary>Bad settings stop a host at start naming the app setting to fix; good ones compose every service the functions take.</summary>
public class OptionsValidationTests
{
    /// <summary>Settings a host needs beyond the defaults: a hash secret, and a Service Bus namespace so the notifier's client composes too.</summary>
    private static Dictionary<string, string?> Valid() => new()
    {
        ["Privacy:HashSecret"] = TestSecrets.HashSecret,
        ["ServiceBus:FullyQualifiedNamespace"] = "funnel-test.servicebus.windows.net",
    };

    /// <summary>A host with only what <see cref="PipelineServices.AddPipeline"/> registers, as the Functions host's Program.cs builds it; no defaults, so nothing else reads the settings.</summary>
    private static IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Services.AddPipeline();
        return builder.Build();
    }

    public static TheoryData<string, string, string> BadSettings() => new()
    {
        { "Pipeline:Shards", "0", "The field Pipeline__Shards must be between 1 and 256." },
        { "Pipeline:QueueMessageLimitBytes", "65536", "Pipeline__QueueMessageLimitBytes must be between 4096 and 64000" },
        { "Storage:NetworkTimeout", "00:00:00", "Storage__NetworkTimeout must be between 00:00:01 and 00:10:00" },
        { "Storage:blobServiceUri", "https://account.blob.core.windows.net/", "Storage__queueServiceUri is not set" },
        { "Ingest:MaxConcurrentEnqueues", "0", "Ingest__MaxConcurrentEnqueues must be between 1 and 10000" },
        { "Ingest:StorageTimeout", "00:00:00", "Ingest__StorageTimeout must be between" },
        { "Ingest:QueueWait", "-00:00:01", "Ingest__QueueWait must be between" },
        { "Reporting:TimeZone", "Mars/Olympus_Mons", "Reporting__TimeZone must be an IANA time zone id" },
        { "Reporting:Language", "fr", "Reporting__Language must be en or zh-CN" },
        { "Aggregation:ActivityAttempts", "0", "Aggregation__ActivityAttempts must be between 1 and 20" },
        { "Aggregation:FirstRetryDelay", "00:00:00", "Aggregation__FirstRetryDelay must be between" },
        { "Reports:ReadKeys:0", " read-key", "Reports__ReadKeys__N: a key starts or ends with white space" },
        { "Privacy:HashSecret", "", "Privacy__HashSecret is required" },
        { "ServiceBus:FullyQualifiedNamespace", "sb://funnel-test.servicebus.windows.net/", "ServiceBus__FullyQualifiedNamespace must be a host name" },
        { "ServiceBus:TopicName", "", "The ServiceBus__TopicName field is required." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_host_at_start_naming_the_setting(string setting, string value, string message)
    {
        var settings = Valid();
        settings[setting] = value;
        using var host = Host(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_takes_one_connection_and_only_the_managed_identity_credential()
    {
        var settings = Valid();
        settings["Storage:ConnectionString"] = "UseDevelopmentStorage=true";
        settings["Storage:blobServiceUri"] = "https://account.blob.core.windows.net/";
        settings["Storage:queueServiceUri"] = "https://account.queue.core.windows.net/";
        settings["Storage:tableServiceUri"] = "relative/table";
        settings["Storage:credential"] = "msi";
        using var host = Host(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Storage__tableServiceUri must be an absolute URI", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__ConnectionString and the identity-based Storage__*ServiceUri settings are both set", error.Message, StringComparison.Ordinal);
        Assert.Contains("Storage__credential must be managedidentity or unset", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ServiceBus:ClientId", "00000000-0000-0000-0000-000000000001")]
    [InlineData("ServiceBus:TopicName", "alerts")]
    public async Task Service_Bus_settings_without_a_namespace_stop_the_host(string setting, string value)
    {
        var settings = Valid();
        settings.Remove("ServiceBus:FullyQualifiedNamespace");
        settings[setting] = value;
        using var host = Host(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ServiceBus__FullyQualifiedNamespace is not", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_registered_service_and_every_function_class_resolves_with_valid_settings()
    {
        using var host = Host(Valid());
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var registered = new ServiceCollection().AddPipeline().Select(d => d.ServiceType).Where(t => !t.IsGenericTypeDefinition).Distinct().ToList();
        Assert.True(registered.Count > 40, $"only {registered.Count} service types registered");
        using var scope = host.Services.CreateScope();
        foreach (var type in registered)
        {
            Assert.All(scope.ServiceProvider.GetServices(type), Assert.NotNull);
        }
        var functionClasses = AppFunction.In(StandaloneApp.FunctionApp).Where(f => !f.Method.IsStatic).Select(f => f.Class).Distinct().ToList();
        Assert.NotEmpty(functionClasses);
        foreach (var type in functionClasses)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    [Fact]
    public void The_standalone_host_refuses_a_bad_pipeline_setting_too()
    {
        var error = Assert.ThrowsAny<Exception>(() => StandaloneHost.Start(new() { ["Pipeline:Shards"] = "300" }));
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains("Pipeline__Shards must be between 1 and 256", validation.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Standalone:MessageLease", "00:00:01", "Standalone__MessageLease must be between 00:00:03 and 7.00:00:00")]
    [InlineData("Pipeline:RunQueuePollers", "false", "Pipeline__RunQueuePollers is no longer read; set Standalone__RunQueuePollers")]
    [InlineData("Pipeline:MessageLease", "00:00:10", "Pipeline__MessageLease is no longer read; set Standalone__MessageLease")]
    [InlineData("Pipeline:RunTimers", "false", "Pipeline__RunTimers is no longer read; set Standalone__RunTimers")]
    public void The_standalone_host_refuses_a_bad_or_moved_setting_of_its_own(string setting, string value, string message)
    {
        var error = Assert.ThrowsAny<Exception>(() => StandaloneHost.Start(new() { [setting] = value }));
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_standalone_host_reads_its_own_settings_from_the_Standalone_section()
    {
        await using var host = StandaloneHost.Start(new() { ["Standalone:MessageLease"] = "00:00:07" });
        var options = host.Services.GetRequiredService<IOptions<Funnel.Standalone.Hosting.StandaloneOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(7), options.MessageLease);
        Assert.False(options.RunQueuePollers);
        Assert.False(options.RunTimers);
    }
}
