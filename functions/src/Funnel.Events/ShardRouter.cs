namespace Funnel.Events;

/// <summary>Maps a person key to one of N user shards.</summary>
/// <remarks>By <see cref="Fnv1a.Hash32"/>, stable everywhere, so a person's events always meet in one shard.</remarks>
public sealed class ShardRouter
{
    public ShardRouter(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shardCount, 256);
        ShardCount = shardCount;
    }

    public int ShardCount { get; }

    public int ShardOf(string personKey)
    {
        ArgumentNullException.ThrowIfNull(personKey);
        return (int)(Fnv1a.Hash32(personKey) % (uint)ShardCount);
    }

    /// <summary>The shard's folder name, e.g. <c>shard-07</c>.</summary>
    public static string FolderName(int shard) => $"shard-{shard:D2}";
}
