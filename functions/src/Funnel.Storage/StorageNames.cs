namespace Funnel.Storage;

/// <summary>Every container, queue and table the pipeline uses; Bicep creates the same ones (a test checks).</summary>
public static class StorageNames
{
    public const string RawContainer = "raw";
    public const string StateContainer = "state";
    public const string PartialsContainer = "partials";
    public const string ReportsContainer = "reports";

    /// <summary>Claim-check payloads: a queued batch too large for one queue message.</summary>
    public const string IngestOverflowContainer = "ingest-overflow";

    /// <summary>A copy of every notification sent, so a person can read them where no Service Bus is configured.</summary>
    public const string NotificationsContainer = "notifications";

    /// <summary>The operators' configuration: the definitions document in force and every uploaded version of it.</summary>
    public const string ConfigContainer = "config";

    /// <summary>The ingest buffer between the Ingest and ProcessEvents functions.</summary>
    public const string EventsQueue = "events";

    public const string DailyMetricsTable = "DailyMetrics";
    public const string WriteKeysTable = "WriteKeys";
    public const string ReadKeysTable = "ReadKeys";

    /// <summary>Anonymous device → user links from identify and alias calls.</summary>
    public const string IdentityLinksTable = "IdentityLinks";

    /// <summary>Which raw groups each processed batch was written to, by processing day: a batch that comes again is stored once.</summary>
    public const string RawBatchesTable = "RawBatches";

    /// <summary>Erasure requests: digests of the person's ids, status and counts.</summary>
    public const string ErasuresTable = "Erasures";

    /// <summary>Daily counts of what ingest refused, by reason.</summary>
    public const string IngestRefusalsTable = "IngestRefusals";

    /// <summary>Every run of a reporting day: started, ended, why it failed (the status API's memory across host restarts).</summary>
    public const string AggregationRunsTable = "AggregationRuns";

    /// <summary>What each channel cost each day (the CAC's numerator), uploaded by the operators.</summary>
    public const string ChannelSpendTable = "ChannelSpend";

    public static IReadOnlyList<string> Containers { get; } =
        [RawContainer, StateContainer, PartialsContainer, ReportsContainer, IngestOverflowContainer, NotificationsContainer, ConfigContainer];

    /// <summary>Work queues; each has a poison queue beside it (<see cref="PoisonQueueOf"/>).</summary>
    public static IReadOnlyList<string> Queues { get; } = [EventsQueue];

    public static IReadOnlyList<string> Tables { get; } =
        [DailyMetricsTable, WriteKeysTable, ReadKeysTable, IdentityLinksTable, RawBatchesTable, ErasuresTable, IngestRefusalsTable, AggregationRunsTable, ChannelSpendTable];

    /// <summary>Where a message that failed too often is parked; the Functions queue trigger uses the same name.</summary>
    public static string PoisonQueueOf(string queue) => $"{queue}-poison";
}
