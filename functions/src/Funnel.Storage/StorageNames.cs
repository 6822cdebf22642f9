namespace Funnel.Storage;

/// <summary>Every container, queue and table the pipeline uses; function.json files and Bicep must agree (a test checks).</summary>
public static class StorageNames
{
    public const string RawContainer = "raw";
    public const string StateContainer = "state";
    public const string PartialsContainer = "partials";
    public const string ReportsContainer = "reports";

    /// <summary>Claim-check payloads: a queued batch too large for one queue message.</summary>
    public const string IngestOverflowContainer = "ingest-overflow";

    public const string EventsQueue = "events";
    public const string AggregateShardQueue = "aggregate-shard";
    public const string FinalizeReportQueue = "finalize-report";

    public const string AggregationRunsTable = "AggregationRuns";
    public const string DailyMetricsTable = "DailyMetrics";
    public const string WriteKeysTable = "WriteKeys";
    public const string ReadKeysTable = "ReadKeys";

    /// <summary>Anonymous device → user links from identify and alias calls.</summary>
    public const string IdentityLinksTable = "IdentityLinks";

    /// <summary>Where the standalone host moves a message that failed too often (Service Bus has its own dead-letter queue).</summary>
    public static string PoisonQueueOf(string queue) => $"{queue}-poison";
}
