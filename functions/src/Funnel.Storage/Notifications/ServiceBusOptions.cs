using System.ComponentModel.DataAnnotations;

namespace Funnel.Storage.Notifications;

/// <summary>The <c>ServiceBus</c> settings: where notifications go. Without a namespace they are only kept in the <c>notifications</c> container.</summary>
public sealed class ServiceBusOptions : IValidatableObject
{
    public const string Section = "ServiceBus";

    /// <summary>The topic Bicep creates (functions/settings.json <c>reportsTopic</c>; a test holds them equal).</summary>
    public const string DefaultTopicName = "reports";

    /// <summary>e.g. <c>funnel-prod-x.servicebus.windows.net</c>; reached with the app's identity, never a key.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>Client id of the user-assigned managed identity; without it, the default credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>The topic notifications are sent to.</summary>
    [Required]
    [MaxLength(260)]
    public string TopicName { get; set; } = DefaultTopicName;

    /// <summary>
    /// A namespace must be a host name (a connection string would carry a key); a client id or another topic without
    /// a namespace means Service Bus was meant, yet notifications would silently stay in the container.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(FullyQualifiedNamespace))
        {
            if (Uri.CheckHostName(FullyQualifiedNamespace) != UriHostNameType.Dns)
            {
                yield return new ValidationResult("ServiceBus__FullyQualifiedNamespace must be a host name such as funnel-prod.servicebus.windows.net, without scheme, path or key");
            }
        }
        else if (!string.IsNullOrWhiteSpace(ClientId) || !string.Equals(TopicName, DefaultTopicName, StringComparison.Ordinal))
        {
            yield return new ValidationResult("ServiceBus__ClientId or ServiceBus__TopicName is set but ServiceBus__FullyQualifiedNamespace is not: notifications would not be published; set the namespace or clear the others");
        }
    }
}
