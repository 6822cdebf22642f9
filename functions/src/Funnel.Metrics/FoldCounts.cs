namespace Funnel.Metrics;

/// <summary>What one day's fold of one shard did to its events: the report's <c>events</c> block.</summary>
public sealed record FoldCounts(long Folded, long DuplicatesDropped, long Late, long Malformed)
{
    public static FoldCounts operator +(FoldCounts a, FoldCounts b) =>
        new(a.Folded + b.Folded, a.DuplicatesDropped + b.DuplicatesDropped, a.Late + b.Late, a.Malformed + b.Malformed);

    public static FoldCounts Zero { get; } = new(0, 0, 0, 0);
}
