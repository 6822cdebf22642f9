using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Engine.Erasure;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Events.Privacy;

namespace Funnel.Storage.Privacy;

/// <summary>
/// The blobs an erasure reads and rewrites beside the daily run's: raw slices by shard over every day,
/// the days of a shard's state, and the reports container's files other than published reports.
/// A rewrite keeps the blob's content headers and metadata and only replaces the version it read.
/// </summary>
public sealed class BlobErasureStore(BlobServiceClient blobs) : IErasureStore
{
    private static readonly HashSet<string> PublishedReportFiles = new(StringComparer.Ordinal) { "report.json", "report.csv", "report.html" };

    private readonly BlobContainerClient _raw = blobs.GetBlobContainerClient(StorageNames.RawContainer);
    private readonly BlobContainerClient _state = blobs.GetBlobContainerClient(StorageNames.StateContainer);
    private readonly BlobContainerClient _reports = blobs.GetBlobContainerClient(StorageNames.ReportsContainer);

    public async IAsyncEnumerable<RawBlobName> RawSlicesAsync(int shard, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var days = new List<string>();
        await foreach (var item in _raw.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken))
        {
            if (item.IsPrefix && ReportingDay.TryParse(item.Prefix.TrimEnd('/'), out _))
            {
                days.Add(item.Prefix);
            }
        }
        foreach (var day in days)
        {
            await foreach (var item in _raw.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{day}{ShardRouter.FolderName(shard)}/" }, cancellationToken))
            {
                if (RawBlobName.TryParse(item.Name, out var name))
                {
                    yield return name;
                }
            }
        }
    }

    public Task<StoredFile?> ReadRawAsync(RawBlobName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(_raw.GetBlobClient(name.Path), cancellationToken);
    }

    public Task ReplaceRawAsync(RawBlobName name, StoredFile read, byte[] gzipNdjson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReplaceAsync(_raw.GetBlobClient(name.Path), read, gzipNdjson, cancellationToken);
    }

    public async Task<IReadOnlyList<DateOnly>> StateDaysAsync(int shard, CancellationToken cancellationToken)
    {
        var days = new List<DateOnly>();
        await foreach (var item in _state.GetBlobsAsync(new GetBlobsOptions { Prefix = ShardRouter.FolderName(shard) + "/" }, cancellationToken))
        {
            var file = item.Name[(item.Name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            if (file.EndsWith(".bin", StringComparison.Ordinal) && ReportingDay.TryParse(file[..^4], out var day))
            {
                days.Add(day);
            }
        }
        days.Sort();
        return days;
    }

    public async IAsyncEnumerable<string> PersonFilesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _reports.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            var file = item.Name[(item.Name.LastIndexOf('/') + 1)..];
            if (!PublishedReportFiles.Contains(file) && file != ".lock")
            {
                yield return item.Name;
            }
        }
    }

    public Task<StoredFile?> ReadPersonFileAsync(string name, CancellationToken cancellationToken) => ReadAsync(_reports.GetBlobClient(name), cancellationToken);

    public Task ReplacePersonFileAsync(string name, StoredFile read, byte[] content, CancellationToken cancellationToken) =>
        ReplaceAsync(_reports.GetBlobClient(name), read, content, cancellationToken);

    private static async Task<StoredFile?> ReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await blob.DownloadContentAsync(cancellationToken)).Value;
            return new StoredFile(content.Content.ToArray(), content.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Uploads the new content with the old headers and metadata, over the version read only (a 412 fails the activity, whose retry reads again).</summary>
    private static async Task ReplaceAsync(BlobClient blob, StoredFile read, byte[] content, CancellationToken cancellationToken)
    {
        var version = new ETag(read.Version);
        var properties = (await blob.GetPropertiesAsync(new BlobRequestConditions { IfMatch = version }, cancellationToken)).Value;
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders
            {
                ContentType = properties.ContentType,
                ContentEncoding = properties.ContentEncoding,
                ContentLanguage = properties.ContentLanguage,
                ContentDisposition = properties.ContentDisposition,
                CacheControl = properties.CacheControl,
            },
            Metadata = properties.Metadata,
            Conditions = new BlobRequestConditions { IfMatch = version },
        }, cancellationToken);
    }
}
