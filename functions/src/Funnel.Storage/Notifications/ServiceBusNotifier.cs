using Azure.Messaging.ServiceBus;
using Funnel.Engine.Notifications;
using Funnel.Events.Days;

namespace Funnel.Storage.Notifications;

/// <summary>Publishes notifications on the Service Bus topic: the kind as subject (subscriptions filter on it), the day as a property, a JSON body.</summary>
public sealed class ServiceBusNotifier(ServiceBusSender sender) : IPipelineNotifier
{
    public async Task NotifyAsync(PipelineNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = new ServiceBusMessage(notification.ToJson())
        {
            MessageId = notification.Id,
            Subject = notification.Kind,
            ContentType = "application/json",
        };
        message.ApplicationProperties["day"] = ReportingDay.Format(notification.Day);
        await sender.SendMessageAsync(message, cancellationToken);
    }
}
