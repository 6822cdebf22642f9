namespace Funnel.Handler;

/// <summary>The functions this app serves and the binding and setting names their <c>function.json</c> files use (a test checks they agree).</summary>
public static class FunctionCatalog
{
    public const string Ingest = "Ingest";
    public const string ProcessEvents = "ProcessEvents";

    /// <summary>Route of the Ingest HTTP trigger; <c>host.json</c> sets the route prefix to empty.</summary>
    public const string IngestRoute = "v1/{kind}";

    public const string HttpRequestBinding = "req";
    public const string HttpResponseBinding = "res";
    public const string EventsOutputBinding = "events";
    public const string QueueTriggerBinding = "message";

    /// <summary>Identity-based Service Bus connection: <c>ServiceBusConnection__fullyQualifiedNamespace</c> and friends.</summary>
    public const string ServiceBusConnectionSetting = "ServiceBusConnection";

    /// <summary>Deliveries before a message is dead-lettered (Service Bus) or parked in <c>{queue}-poison</c> (standalone).</summary>
    public const int MaxDeliveryCount = 5;
}
