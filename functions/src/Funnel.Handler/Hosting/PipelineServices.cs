using Funnel.Domain.Events;
using Funnel.Domain.Ingest;
using Funnel.Domain.Processing;
using Funnel.Handler.Configuration;
using Funnel.Handler.Ingest;
using Funnel.Handler.Processing;
using Funnel.Storage;
using Funnel.Storage.Configuration;
using Funnel.Storage.Keys;
using Funnel.Storage.Queues;
using Funnel.Storage.Raw;
using Microsoft.Extensions.Options;

namespace Funnel.Handler.Hosting;

/// <summary>Registers the options, storage adapters and functions of the pipeline.</summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, bool underFunctionsHost)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section)
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Reporting:TimeZone must be an IANA time zone id such as UTC or Asia/Shanghai")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Queues);
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Tables);

        services.AddSingleton(new IngestLimits());
        services.AddSingleton(sp => new ShardRouter(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Shards));
        services.AddSingleton(sp => new ReportingClock(sp.GetRequiredService<IOptions<ReportingOptions>>().Value.TimeZone));
        services.AddSingleton<IWriteKeyDirectory>(sp => new TableWriteKeyDirectory(
            sp.GetRequiredService<Azure.Data.Tables.TableServiceClient>(),
            sp.GetRequiredService<IOptions<IngestOptions>>().Value.WriteKeys,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRawEventStore, BlobRawEventStore>();
        services.AddSingleton<IIdentityLinks, TableIdentityLinks>();
        services.AddSingleton<IEventBatchMessages>(sp => new EventBatchEnvelope(
            sp.GetRequiredService<Azure.Storage.Blobs.BlobServiceClient>(),
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value.QueueMessageLimitBytes));
        services.AddSingleton<IQueueSender, StorageQueueSender>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<EventBatchProcessor>();
        services.AddSingleton<IngestFunction>();
        services.AddSingleton<IngestBackpressure>();
        services.AddSingleton<ProcessEventsFunction>();

        if (!underFunctionsHost)
        {
            services.AddHostedService<StorageBootstrap>();
            services.AddHostedService(sp => new QueuePoller(
                new StorageQueueChannel(sp.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>(), StorageNames.EventsQueue),
                async (message, ct) => await sp.GetRequiredService<ProcessEventsFunction>().InvokeAsync(message, ct),
                sp.GetRequiredService<IOptions<PipelineOptions>>(),
                sp.GetRequiredService<ILogger<QueuePoller>>()));
        }
        return services;
    }
}
