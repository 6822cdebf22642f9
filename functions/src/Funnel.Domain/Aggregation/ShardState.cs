using Funnel.Domain.Metrics;

namespace Funnel.Domain.Aggregation;

/// <summary>The folded state of one user shard as of <see cref="ThroughDay"/>.</summary>
public sealed class ShardState
{
    public Dictionary<string, PersonState> Persons { get; } = new(StringComparer.Ordinal);

    /// <summary>This shard's devices that are linked to a user (device → user): their events count for that user from now on.</summary>
    public Dictionary<string, string> LinkedDevices { get; } = new(StringComparer.Ordinal);

    /// <summary>The last processing day folded in; null for an empty state.</summary>
    public DateOnly? ThroughDay { get; set; }

    /// <summary>The first processing day folded in.</summary>
    public DateOnly? FirstDay { get; set; }
}
