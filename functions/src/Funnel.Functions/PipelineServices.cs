using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Erasure;
using Funnel.Engine.Notifications;
using Funnel.Engine.Processing;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;
using Funnel.Events;
using Funnel.Functions.Configuration;
using Funnel.Functions.Ingest;
using Funnel.Functions.Telemetry;
using Funnel.Metrics;
using Funnel.Storage.Aggregation;
using Funnel.Storage.Configuration;
using Funnel.Storage.Ingest;
using Funnel.Storage.Keys;
using Funnel.Storage.Notifications;
using Funnel.Storage.Privacy;
using Funnel.Storage.Queues;
using Funnel.Storage.Raw;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Functions;

/// <summary>Registers the options, storage adapters and domain services the functions take; both hosts call it.</summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipeline(this IServiceCollection services)
    {
        services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section).ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Reporting:TimeZone must be an IANA time zone id such as UTC or Asia/Shanghai")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        services.AddOptions<ReportsApiOptions>().BindConfiguration(ReportsApiOptions.Section);
        services.AddOptions<ServiceBusOptions>().BindConfiguration(ServiceBusOptions.Section);
        services.AddOptions<AggregationOptions>().BindConfiguration(AggregationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidation>();

        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        services.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Blobs);
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Queues);
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Tables);

        services.AddSingleton(new IngestLimits());
        services.AddSingleton(sp => new ShardRouter(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Shards));
        services.AddSingleton(sp => new ReportingClock(sp.GetRequiredService<IOptions<ReportingOptions>>().Value.TimeZone));
        services.AddSingleton<IWriteKeyDirectory>(sp => new TableKeyDirectory(
            sp.GetRequiredService<TableServiceClient>(), Funnel.Storage.StorageNames.WriteKeysTable,
            sp.GetRequiredService<IOptions<IngestOptions>>().Value.WriteKeys,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Funnel.Reports.IReadKeyDirectory>(sp => new TableKeyDirectory(
            sp.GetRequiredService<TableServiceClient>(), Funnel.Storage.StorageNames.ReadKeysTable,
            sp.GetRequiredService<IOptions<ReportsApiOptions>>().Value.ReadKeys,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Funnel.Reports.IReportArchive>(sp => sp.GetRequiredService<BlobAggregationStore>());
        services.AddSingleton<IRawEventStore, BlobRawEventStore>();
        services.AddSingleton<IRawBatchClaims, TableRawBatchClaims>();
        services.AddSingleton<RawBatchGroups>();
        services.AddSingleton<IEventBatchMessages>(sp => new EventBatchEnvelope(
            sp.GetRequiredService<BlobServiceClient>(),
            sp.GetRequiredService<IOptions<PipelineOptions>>().Value.QueueMessageLimitBytes));
        services.AddSingleton<IQueueSender>(sp => new StorageQueueSender(sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => ServiceBusConnection.CreateClient(sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value));
        services.AddSingleton<BlobNotificationLog>();
        services.AddSingleton<ISentNotifications>(sp => sp.GetRequiredService<BlobNotificationLog>());
        services.AddSingleton<IPipelineNotifier>(sp =>
        {
            var log = sp.GetRequiredService<BlobNotificationLog>();
            var serviceBus = sp.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
            return ServiceBusConnection.IsConfigured(serviceBus)
                ? new NotifierFanOut([new ServiceBusNotifier(sp.GetRequiredService<Azure.Messaging.ServiceBus.ServiceBusClient>().CreateSender(serviceBus.TopicName)), log])
                : log;
        });
        services.AddSingleton(sp => new DayRun(MetricDefinitions.Default, sp.GetRequiredService<IOptions<ReportingOptions>>().Value.TimeZone));
        services.AddSingleton<IDefinitionsStore, Funnel.Storage.Definitions.BlobDefinitionsStore>();
        services.AddSingleton<Definitions.DefinitionsInForce>();
        services.AddSingleton<ISpendTable, Funnel.Storage.Aggregation.TableSpend>();
        services.AddSingleton<BlobAggregationStore>();
        services.AddSingleton<IAggregationStore>(sp => sp.GetRequiredService<BlobAggregationStore>());
        services.AddSingleton<IDailyMetricsTable, TableDailyMetrics>();
        services.AddSingleton<IRunHistory, TableRunHistory>();
        services.AddSingleton(sp => new EventMasking(sp.GetRequiredService<IOptions<PrivacyOptions>>().Value.ToRules()));
        services.AddSingleton<IErasureLog, TableErasureLog>();
        services.AddSingleton<ErasedPersonsCache>();
        services.AddSingleton<TableIdentityLinks>();
        services.AddSingleton<IPersonDevices>(sp => sp.GetRequiredService<TableIdentityLinks>());
        services.AddSingleton<Funnel.Engine.Identity.IIdentityLinks>(sp => sp.GetRequiredService<TableIdentityLinks>());
        services.AddSingleton<IErasureStore, BlobErasureStore>();
        services.AddSingleton<ErasureIntake>();
        services.AddSingleton<PersonEraser>();
        services.AddSingleton<DailyPipeline>();
        services.AddSingleton<Funnel.Functions.Http.StorageDeadline>();
        services.AddSingleton<EventIntake>();
        services.AddSingleton<EventBatchProcessor>();
        services.AddSingleton<IngestBackpressure>();
        services.AddSingleton<QueuedBatchGroups>();
        services.AddSingleton<EventsBacklog>();
        services.AddHostedService(sp => sp.GetRequiredService<EventsBacklog>());
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<IngestRefusalTally>();
        services.AddSingleton<IIngestRefusalCounters, TableIngestRefusalCounters>();
        services.AddHostedService<IngestRefusalFlush>();
        return services;
    }
}
