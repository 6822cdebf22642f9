using Funnel.Engine.Processing;

namespace Funnel.Engine.Erasure;

/// <summary>
/// What an erasure reads and rewrites besides the daily run's own snapshots and partials: raw slices,
/// the state days there are, files in the reports container other than published reports (audience
/// files and anything else written there later), and identity links.
/// </summary>
public interface IErasureStore
{
    /// <summary>Every raw slice of one shard, all days.</summary>
    IAsyncEnumerable<RawBlobName> RawSlicesAsync(int shard, CancellationToken cancellationToken);

    /// <summary>The gzip NDJSON of a slice, or null when it is gone.</summary>
    Task<StoredFile?> ReadRawAsync(RawBlobName name, CancellationToken cancellationToken);

    /// <summary>Replaces the version read of a slice, keeping its content headers and metadata; throws when it changed since.</summary>
    Task ReplaceRawAsync(RawBlobName name, StoredFile read, byte[] gzipNdjson, CancellationToken cancellationToken);

    /// <summary>Every day the shard has a state snapshot of, oldest first.</summary>
    Task<IReadOnlyList<DateOnly>> StateDaysAsync(int shard, CancellationToken cancellationToken);

    /// <summary>Every file in the reports container that is not a published report (report.json, .csv, .html).</summary>
    IAsyncEnumerable<string> PersonFilesAsync(CancellationToken cancellationToken);

    Task<StoredFile?> ReadPersonFileAsync(string name, CancellationToken cancellationToken);

    Task ReplacePersonFileAsync(string name, StoredFile read, byte[] content, CancellationToken cancellationToken);
}

/// <summary>A stored file's content and the version it was read at.</summary>
public sealed record StoredFile(byte[] Content, string Version);
