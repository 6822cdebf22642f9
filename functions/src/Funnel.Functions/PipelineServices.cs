using Azure.Data.Tables;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Erasure;
using Funnel.Engine.Identity;
using Funnel.Engine.Notifications;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;
using Funnel.Functions.Configuration;
using Funnel.Functions.Definitions;
using Funnel.Functions.Http;
using Funnel.Functions.Ingest;
using Funnel.Functions.Telemetry;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Storage;
using Funnel.Storage.Aggregation;
using Funnel.Storage.Configuration;
using Funnel.Storage.Definitions;
using Funnel.Storage.Ingest;
using Funnel.Storage.Keys;
using Funnel.Storage.Notifications;
using Funnel.Storage.Privacy;
using Funnel.Storage.Queues;
using Funnel.Storage.Raw;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Functions;

/// <summary>
/// Registers the options, storage adapters and domain services the functions take, by capability; both hosts call it.
/// Types built by the container are registered by type; a domain or storage type that needs a setting's value (and
/// may not depend on options) has one factory method below, next to its capability.
/// </summary>
public static class PipelineServices
{
    /// <summary>Registers every capability's services; bad settings stop the host at start.</summary>
    public static IServiceCollection AddPipeline(this IServiceCollection services) => services
        .AddPipelineOptions()
        .AddTimeAndMetrics()
        .AddStorageClients()
        .AddIntake()
        .AddProcessing()
        .AddAggregation()
        .AddReports()
        .AddPrivacy()
        .AddNotifications();

    /// <summary>Every settings section the functions read, each checked when the host starts.</summary>
    private static IServiceCollection AddPipelineOptions(this IServiceCollection services)
    {
        services.AddValidatedSettings<PipelineOptions>(PipelineOptions.Section);
        services.AddValidatedSettings<StorageOptions>(StorageOptions.Section);
        services.AddValidatedSettings<IngestOptions>(IngestOptions.Section);
        services.AddValidatedSettings<ReportingOptions>(ReportingOptions.Section);
        services.AddValidatedSettings<AggregationOptions>(AggregationOptions.Section);
        services.AddValidatedSettings<ReportsApiOptions>(ReportsApiOptions.Section);
        services.AddValidatedSettings<PrivacyOptions>(PrivacyOptions.Section);
        services.AddValidatedSettings<ServiceBusOptions>(ServiceBusOptions.Section);
        return services;
    }

    private static IServiceCollection AddTimeAndMetrics(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<PipelineMetrics>();
        return services;
    }

    /// <summary>The three storage clients, and the deadline an HTTP request gives storage.</summary>
    private static IServiceCollection AddStorageClients(this IServiceCollection services)
    {
        services.AddSingleton(NewStorageClients);
        services.AddFrom<StorageClients, BlobServiceClient>(clients => clients.Blobs);
        services.AddFrom<StorageClients, QueueServiceClient>(clients => clients.Queues);
        services.AddFrom<StorageClients, TableServiceClient>(clients => clients.Tables);
        services.AddSingleton<StorageDeadline>();
        return services;
    }

    /// <summary>From an HTTP request to queued batches: write keys, limits, masking, back-pressure, refusal counts.</summary>
    private static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddSingleton<IngestLimits>();
        services.AddSingleton<IWriteKeyDirectory>(NewWriteKeyDirectory);
        services.AddSingleton<EventIntake>();
        services.AddSingleton<IEventBatchMessages>(NewEventBatchEnvelope);
        services.AddSingleton<IQueueSender, StorageQueueSender>();
        services.AddSingleton<IngestBackpressure>();
        services.AddSingleton<EventsBacklog>();
        services.AddHostedService(sp => sp.GetRequiredService<EventsBacklog>());
        services.AddSingleton<QueuedBatchGroups>();
        services.AddSingleton<EventIngestion>();
        services.AddSingleton<IngestRefusalTally>();
        services.AddSingleton<IIngestRefusalCounters, TableIngestRefusalCounters>();
        services.AddHostedService<IngestRefusalFlush>();
        return services;
    }

    /// <summary>From a queued batch to raw blobs: shards, report days, batch claims.</summary>
    private static IServiceCollection AddProcessing(this IServiceCollection services)
    {
        services.AddSingleton(NewShardRouter);
        services.AddSingleton(NewReportingClock);
        services.AddSingleton<IRawEventStore, BlobRawEventStore>();
        services.AddSingleton<IRawBatchClaims, TableRawBatchClaims>();
        services.AddSingleton<RawBatchGroups>();
        services.AddSingleton<EventBatchProcessor>();
        return services;
    }

    /// <summary>The daily run: definitions, spend, the fold's stores, identity links, run history.</summary>
    private static IServiceCollection AddAggregation(this IServiceCollection services)
    {
        services.AddSingleton(NewDayRun);
        services.AddSingleton<IDefinitionsStore, BlobDefinitionsStore>();
        services.AddSingleton<DefinitionsInForce>();
        services.AddSingleton<ISpendTable, TableSpend>();
        services.AddSingleton<BlobAggregationStore>();
        services.AddSameAs<IAggregationStore, BlobAggregationStore>();
        services.AddSingleton<IDailyMetricsTable, TableDailyMetrics>();
        services.AddSingleton<IRunHistory, TableRunHistory>();
        services.AddSingleton<TableIdentityLinks>();
        services.AddSameAs<IIdentityLinks, TableIdentityLinks>();
        services.AddSingleton<DailyPipeline>();
        return services;
    }

    /// <summary>The reports API: read keys and the published reports.</summary>
    private static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<IReadKeyDirectory>(NewReadKeyDirectory);
        services.AddSameAs<IReportArchive, BlobAggregationStore>();
        return services;
    }

    /// <summary>Masking at ingest and erasure of persons: the log, its cache, the devices a person used, the stored files.</summary>
    private static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddSingleton(NewEventMasking);
        services.AddSingleton<IErasureLog, TableErasureLog>();
        services.AddSingleton<ErasedPersonsCache>();
        services.AddSameAs<IPersonDevices, TableIdentityLinks>();
        services.AddSingleton<IErasureStore, BlobErasureStore>();
        services.AddSingleton<ErasureIntake>();
        services.AddSingleton<PersonEraser>();
        return services;
    }

    /// <summary>Notifications: always kept in the notifications container, also sent to Service Bus when it is configured.</summary>
    private static IServiceCollection AddNotifications(this IServiceCollection services)
    {
        services.AddSingleton<BlobNotificationLog>();
        services.AddSameAs<ISentNotifications, BlobNotificationLog>();
        services.AddSingleton(NewServiceBusClient);
        services.AddSingleton(NewNotifier);
        return services;
    }

    private static StorageClients NewStorageClients(IServiceProvider services) => new(Settings<StorageOptions>(services));

    private static TableKeyDirectory NewWriteKeyDirectory(IServiceProvider services) => new(
        services.GetRequiredService<TableServiceClient>(), StorageNames.WriteKeysTable, Settings<IngestOptions>(services).WriteKeys, services.GetRequiredService<TimeProvider>());

    private static EventBatchEnvelope NewEventBatchEnvelope(IServiceProvider services) =>
        new(services.GetRequiredService<BlobServiceClient>(), Settings<PipelineOptions>(services).QueueMessageLimitBytes);

    private static ShardRouter NewShardRouter(IServiceProvider services) => new(Settings<PipelineOptions>(services).Shards);

    private static ReportingClock NewReportingClock(IServiceProvider services) => new(Settings<ReportingOptions>(services).TimeZone);

    private static DayRun NewDayRun(IServiceProvider services) => new(MetricDefinitions.Default, Settings<ReportingOptions>(services).TimeZone);

    private static TableKeyDirectory NewReadKeyDirectory(IServiceProvider services) => new(
        services.GetRequiredService<TableServiceClient>(), StorageNames.ReadKeysTable, Settings<ReportsApiOptions>(services).ReadKeys, services.GetRequiredService<TimeProvider>());

    private static EventMasking NewEventMasking(IServiceProvider services) => new(Settings<PrivacyOptions>(services).ToRules());

    /// <summary>Throws when no namespace is set; only <see cref="NewNotifier"/> asks for it then.</summary>
    private static ServiceBusClient NewServiceBusClient(IServiceProvider services) => ServiceBusConnection.CreateClient(Settings<ServiceBusOptions>(services));

    private static IPipelineNotifier NewNotifier(IServiceProvider services)
    {
        var log = services.GetRequiredService<BlobNotificationLog>();
        var serviceBus = Settings<ServiceBusOptions>(services);
        return ServiceBusConnection.IsConfigured(serviceBus)
            ? new NotifierFanOut([new ServiceBusNotifier(services.GetRequiredService<ServiceBusClient>().CreateSender(serviceBus.TopicName)), log])
            : log;
    }

    private static T Settings<T>(IServiceProvider services) where T : class => services.GetRequiredService<IOptions<T>>().Value;

    /// <summary>Registers <typeparamref name="TService"/> as a part of the registered <typeparamref name="TSource"/>.</summary>
    private static IServiceCollection AddFrom<TSource, TService>(this IServiceCollection services, Func<TSource, TService> part)
        where TSource : notnull where TService : class =>
        services.AddSingleton(sp => part(sp.GetRequiredService<TSource>()));

    /// <summary>Registers <typeparamref name="TService"/> as the registered <typeparamref name="TImplementation"/>: one instance behind each of its interfaces.</summary>
    private static IServiceCollection AddSameAs<TService, TImplementation>(this IServiceCollection services)
        where TService : class where TImplementation : class, TService =>
        services.AddSingleton<TService>(sp => sp.GetRequiredService<TImplementation>());
}
