using System.Text;

namespace Funnel.Domain.Events;

/// <summary>Maps a person key to one of N user shards.</summary>
/// <remarks>
/// FNV-1a over the key's UTF-8 bytes: unlike <see cref="string.GetHashCode()"/> it is the same
/// on every machine, process and .NET version, so a person's events always meet in one shard.
/// </remarks>
public sealed class ShardRouter
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

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
        Span<byte> buffer = personKey.Length <= 128 ? stackalloc byte[512] : new byte[Encoding.UTF8.GetMaxByteCount(personKey.Length)];
        var length = Encoding.UTF8.GetBytes(personKey, buffer);
        var hash = OffsetBasis;
        foreach (var b in buffer[..length])
        {
            hash = unchecked((hash ^ b) * Prime);
        }
        return (int)(hash % (uint)ShardCount);
    }

    /// <summary>The shard's folder name, e.g. <c>shard-07</c>.</summary>
    public static string FolderName(int shard) => $"shard-{shard:D2}";
}
