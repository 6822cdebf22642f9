using Funnel.Engine.Notifications;

namespace Funnel.Storage.Notifications;

/// <summary>
/// Sends each notification through every notifier in order (Service Bus first when configured, then the blob log, so a notification in
/// the log has gone everywhere: <see cref="ISentNotifications"/> reads it); a failure fails the send so the caller retries.
/// </summary>
public sealed class NotifierFanOut(IReadOnlyList<IPipelineNotifier> notifiers) : IPipelineNotifier
{
    public async Task NotifyAsync(PipelineNotification notification, CancellationToken cancellationToken)
    {
        foreach (var notifier in notifiers)
        {
            await notifier.NotifyAsync(notification, cancellationToken);
        }
    }
}
