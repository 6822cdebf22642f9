namespace Funnel.Engine.Processing;

/// <summary>The <c>raw</c> store: gzip NDJSON slices of event batches by day and user shard.</summary>
public interface IRawEventStore
{
    /// <summary>Writes (or overwrites with identical content) one slice.</summary>
    Task WriteAsync(RawBlobName name, ReadOnlyMemory<byte> gzipNdjson, CancellationToken cancellationToken);

    /// <summary>Whether the slice was written.</summary>
    Task<bool> ExistsAsync(RawBlobName name, CancellationToken cancellationToken);
}
