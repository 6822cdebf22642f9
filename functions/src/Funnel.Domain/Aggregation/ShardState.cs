namespace Funnel.Domain.Aggregation;

/// <summary>The folded state of one user shard as of <see cref="ThroughDay"/>.</summary>
public sealed class ShardState
{
    public Dictionary<string, PersonState> Persons { get; } = new(StringComparer.Ordinal);

    /// <summary>The last processing day folded in; null for an empty state.</summary>
    public DateOnly? ThroughDay { get; set; }

    /// <summary>The first processing day folded in.</summary>
    public DateOnly? FirstDay { get; set; }
}

/// <summary>What one day's fold of one shard did to its events.</summary>
public sealed record FoldCounts(long Folded, long DuplicatesDropped, long Late, long Malformed)
{
    public static FoldCounts operator +(FoldCounts a, FoldCounts b) =>
        new(a.Folded + b.Folded, a.DuplicatesDropped + b.DuplicatesDropped, a.Late + b.Late, a.Malformed + b.Malformed);

    public static FoldCounts Zero { get; } = new(0, 0, 0, 0);
}
