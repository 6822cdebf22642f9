using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>A state snapshot that cannot be read: corrupt, truncated, or of an unknown version. Names the snapshot.</summary>
public sealed class SnapshotFormatException(string source, string problem, Exception? inner = null)
    : Exception($"state snapshot {source}: {problem}", inner)
{
    /// <summary>Which snapshot (file or blob name).</summary>
    public string Snapshot { get; } = source;
}
