using System.Text.Json;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;

namespace Funnel.Standalone.Functions;

/// <summary>
/// How many orchestrator episodes and activities the in-memory engine runs at once: the function app's own
/// <c>host.json</c> limits (<c>extensions.durableTask.maxConcurrentActivityFunctions</c> / <c>maxConcurrentOrchestratorFunctions</c>),
/// so a local run is throttled as the Functions host would throttle it, not by the test engine's default of one per core.
/// </summary>
public sealed record DurableConcurrency(int Activities, int Orchestrators)
{
    /// <summary>The Durable extension's own defaults when <c>host.json</c> says nothing: ten per core.</summary>
    public static DurableConcurrency Default => new(10 * Environment.ProcessorCount, 10 * Environment.ProcessorCount);

    /// <summary>Reads the limits from a <c>host.json</c>; missing file or settings keep the defaults.</summary>
    public static DurableConcurrency FromHostJson(string path)
    {
        var limits = Default;
        if (!File.Exists(path))
        {
            return limits;
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (document.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("durableTask", out var durable))
        {
            if (durable.TryGetProperty("maxConcurrentActivityFunctions", out var activities) && activities.TryGetInt32(out var a) && a > 0)
            {
                limits = limits with { Activities = a };
            }
            if (durable.TryGetProperty("maxConcurrentOrchestratorFunctions", out var orchestrators) && orchestrators.TryGetInt32(out var o) && o > 0)
            {
                limits = limits with { Orchestrators = o };
            }
        }
        return limits;
    }
}

/// <summary>
/// The in-memory Durable Task engine (<c>Microsoft.DurableTask.InProcessTestHost</c>'s orchestration service and gRPC sidecar),
/// registered as its <c>AddInMemoryDurableTask</c> does, except that the sidecar's dispatchers get <see cref="DurableConcurrency"/>:
/// the package fixes them at one work item per core and, when full, re-polls every 500 ms, which made every fan-out
/// step of a day cost ⌈shards / cores⌉ × 0.5 s whatever the day held.
/// </summary>
public static class InMemoryDurableHub
{
    public static IServiceCollection AddInMemoryDurableHub(this IServiceCollection services, Action<DurableTaskRegistry> tasks, int port, DurableConcurrency limits)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(limits);
        var address = $"http://localhost:{port}";
        services.AddSingleton(sp => new InMemoryOrchestrationService(sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<InMemoryOrchestrationService>());
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<InMemoryOrchestrationService>());
        services.AddHostedService(sp => new SidecarHost(address, sp.GetRequiredService<InMemoryOrchestrationService>(), limits, sp.GetService<ILoggerFactory>()));
        services.AddSingleton(_ => GrpcChannel.ForAddress(address));
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(address);
            builder.AddTasks(tasks);
            builder.Configure(options =>
            {
                options.Concurrency.MaximumConcurrentActivityWorkItems = limits.Activities;
                options.Concurrency.MaximumConcurrentOrchestrationWorkItems = limits.Orchestrators;
            });
        });
        services.AddDurableTaskClient(builder =>
        {
            builder.UseGrpc(address);
            builder.RegisterDirectly();
        });
        return services;
    }

    /// <summary>The gRPC sidecar in its own small web host on the loopback port, its dispatchers over <see cref="LimitedService"/>.</summary>
    private sealed class SidecarHost(string address, InMemoryOrchestrationService service, DurableConcurrency limits, ILoggerFactory? loggerFactory) : IHostedService, IAsyncDisposable
    {
        private IHost? _host;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _host = Host.CreateDefaultBuilder()
                .ConfigureLogging(logging =>
                {
                    logging.ClearProviders();
                    if (loggerFactory is not null)
                    {
                        logging.Services.AddSingleton(loggerFactory);
                    }
                })
                .ConfigureWebHostDefaults(web =>
                {
                    web.UseUrls(address);
                    web.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2));
                    web.ConfigureServices(sidecar =>
                    {
                        sidecar.AddGrpc();
                        sidecar.AddSingleton<IOrchestrationService>(new LimitedService(service, limits));
                        sidecar.AddSingleton<IOrchestrationServiceClient>(service);
                        sidecar.AddSingleton<TaskHubGrpcServer>();
                    });
                    web.Configure(app =>
                    {
                        app.UseRouting();
                        app.UseEndpoints(endpoints => endpoints.MapGrpcService<TaskHubGrpcServer>());
                    });
                })
                .Build();
            await _host.StartAsync(cancellationToken);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_host is not null)
            {
                await _host.StopAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.StopAsync();
                _host.Dispose();
                _host = null;
            }
        }
    }

    /// <summary>The in-memory service as is, but for how many work items its dispatchers may hold at once.</summary>
    private sealed class LimitedService(InMemoryOrchestrationService inner, DurableConcurrency limits) : IOrchestrationService
    {
        public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;
        public int MaxConcurrentTaskOrchestrationWorkItems => limits.Orchestrators;
        public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;
        public int MaxConcurrentTaskActivityWorkItems => limits.Activities;
        public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;
        public Task StartAsync() => inner.StartAsync();
        public Task StopAsync() => inner.StopAsync();
        public Task StopAsync(bool isForced) => inner.StopAsync(isForced);
        public Task CreateAsync() => inner.CreateAsync();
        public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);
        public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();
        public Task DeleteAsync() => inner.DeleteAsync();
        public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);
        public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
        public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);
        public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);
        public Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken) => inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken);
        public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);
        public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState, IList<TaskMessage> outboundMessages,
            IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages, TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState) =>
            inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);
        public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);
        public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);
        public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) => inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
        public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);
        public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) => inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);
        public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);
    }
}
