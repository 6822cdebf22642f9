using System.IO.Compression;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Engine.Processing;

namespace Funnel.Storage.Raw;

/// <summary>The <c>raw</c> container: gzip NDJSON blobs by processing day and user shard.</summary>
public sealed class BlobRawEventStore(BlobServiceClient blobs) : IRawEventStore
{
    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.RawContainer);

    /// <summary>The metadata key of the instant a slice was first written.</summary>
    public const string WrittenKey = "written";

    public async Task WriteAsync(RawBlobName name, ReadOnlyMemory<byte> gzipNdjson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/x-ndjson", ContentEncoding = "gzip" },
            // When the slice was first written: an erasure's rewrite keeps it, so a history import's "as of" keeps meaning the same slices.
            Metadata = new Dictionary<string, string> { [WrittenKey] = Funnel.Events.Ingest.Iso8601.Format(DateTimeOffset.UtcNow) },
        };
        await _container.GetBlobClient(name.Path).UploadAsync(BinaryData.FromBytes(gzipNdjson), options, cancellationToken);
    }

    public async Task<bool> ExistsAsync(RawBlobName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (await _container.GetBlobClient(name.Path).ExistsAsync(cancellationToken)).Value;
    }

    /// <summary>Every raw blob name, optionally only under one day.</summary>
    public async IAsyncEnumerable<RawBlobName> ListAsync(DateOnly? day, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = day is { } d ? RawBlobName.DayFolder(d) + "/" : null;
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            if (RawBlobName.TryParse(item.Name, out var name))
            {
                yield return name;
            }
        }
    }

    /// <summary>The NDJSON lines of one blob, uncompressed.</summary>
    public async Task<IReadOnlyList<string>> ReadLinesAsync(RawBlobName name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        var content = await _container.GetBlobClient(name.Path).DownloadContentAsync(cancellationToken);
        using var gzip = new GZipStream(content.Value.Content.ToStream(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>Copies one blob, still gzip-compressed, to <paramref name="destination"/>.</summary>
    public async Task DownloadAsync(RawBlobName name, Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        await _container.GetBlobClient(name.Path).DownloadToAsync(destination, cancellationToken);
    }

    /// <summary>The container's URL, for telling a person where to look.</summary>
    public Uri ContainerUri => _container.Uri;
}
