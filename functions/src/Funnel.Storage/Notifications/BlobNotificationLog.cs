using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Engine.Notifications;
using Funnel.Events.Days;

namespace Funnel.Storage.Notifications;

/// <summary>
/// Keeps each notification as <c>notifications/{day}/{kind}.json</c> (<c>target.missed-{figure digest}.json</c> for targets), so a person can
/// read what was (or would have been) sent, and the pipeline what it need not send again.
/// </summary>
public sealed class BlobNotificationLog(BlobServiceClient blobs) : IPipelineNotifier, ISentNotifications
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.NotificationsContainer);

    public async Task NotifyAsync(PipelineNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await _container.GetBlobClient(BlobName(notification)).UploadAsync(
            BinaryData.FromBytes(notification.ToJson()),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken);
    }

    public static string BlobName(PipelineNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return $"{ReportingDay.Format(notification.Day)}/{notification.LogName}.json";
    }

    public async Task<bool> WasSentAsync(PipelineNotification notification, CancellationToken cancellationToken) =>
        await _container.GetBlobClient(BlobName(notification)).ExistsAsync(cancellationToken);
}
