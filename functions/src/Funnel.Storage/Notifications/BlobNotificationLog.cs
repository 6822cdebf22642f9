using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Domain.Notifications;

namespace Funnel.Storage.Notifications;

/// <summary>Keeps each notification as <c>notifications/{day}/{kind}.json</c>, so a person can read what was (or would have been) sent.</summary>
public sealed class BlobNotificationLog(BlobServiceClient blobs) : IPipelineNotifier
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
        return $"{notification.Day:yyyy-MM-dd}/{notification.Kind}.json";
    }
}
