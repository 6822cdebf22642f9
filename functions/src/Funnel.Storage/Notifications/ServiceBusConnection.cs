using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Funnel.Storage.Notifications;

/// <summary>Builds the Service Bus client from <see cref="ServiceBusOptions"/>: identity-based, never a connection string with a key.</summary>
public static class ServiceBusConnection
{
    public static bool IsConfigured(ServiceBusOptions options) =>
        !string.IsNullOrWhiteSpace(options?.FullyQualifiedNamespace);

    public static ServiceBusClient CreateClient(ServiceBusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!IsConfigured(options))
        {
            throw new InvalidOperationException("ServiceBus__FullyQualifiedNamespace is not set");
        }
        TokenCredential credential = options.ClientId is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return new ServiceBusClient(options.FullyQualifiedNamespace, credential);
    }
}
