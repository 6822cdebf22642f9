namespace Funnel.Engine.Notifications;

/// <summary>Sends pipeline notifications to whoever subscribes (Service Bus topic <c>reports</c> in Azure).</summary>
public interface IPipelineNotifier
{
    Task NotifyAsync(PipelineNotification notification, CancellationToken cancellationToken);
}
