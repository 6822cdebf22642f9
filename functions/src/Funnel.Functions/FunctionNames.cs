namespace Funnel.Functions;

/// <summary>The names of the app's functions and the settings their triggers read.</summary>
public static class FunctionNames
{
    public const string Ingest = "Ingest";
    public const string ProcessEvents = "ProcessEvents";

    /// <summary>Route of the Ingest HTTP trigger; <c>host.json</c> sets the route prefix to empty, so clients post to <c>/v1/batch</c>.</summary>
    public const string IngestRoute = "v1/{kind}";

    /// <summary>
    /// Connection of the queue triggers: the function app's own storage account. (The host would resolve a
    /// connection named "Storage" to <c>AzureWebJobsStorage</c> anyway, since it tries the prefixed name
    /// first; naming it says so.) The app writes the queue through <c>Storage__*</c>, which Bicep points at
    /// the same account.
    /// </summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>Deliveries before a message is parked in <c>{queue}-poison</c>; host.json's <c>queues.maxDequeueCount</c> (a test checks).</summary>
    public const int MaxDeliveryCount = 5;
}
