using Funnel.Domain.Notifications;

namespace Funnel.Storage.Notifications;

/// <summary>Sends each notification through every notifier in order (the blob log first, then Service Bus when configured); a failure fails the send so the caller retries.</summary>
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
