namespace Funnel.Storage.Notifications;

/// <summary>The <c>ServiceBus</c> settings: where notifications go. Without a namespace they are only kept in the <c>notifications</c> container.</summary>
public sealed class ServiceBusOptions
{
    public const string Section = "ServiceBus";

    /// <summary>e.g. <c>funnel-prod-x.servicebus.windows.net</c>; reached with the app's identity, never a key.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Client id of the user-assigned managed identity; without it, the default credential chain.</summary>
    public string? ClientId { get; set; }

    public string TopicName { get; set; } = "reports";
}
