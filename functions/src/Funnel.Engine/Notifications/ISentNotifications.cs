namespace Funnel.Engine.Notifications;

/// <summary>What has already been sent (the <c>notifications</c> log in Azure), so a notification meant once per day is not sent again when the day runs again.</summary>
public interface ISentNotifications
{
    Task<bool> WasSentAsync(PipelineNotification notification, CancellationToken cancellationToken);
}
