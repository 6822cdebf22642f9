using System.Text;

namespace Funnel.Events;

/// <summary>
/// FNV-1a over a text's UTF-8 bytes: unlike <see cref="string.GetHashCode()"/> it is the same on every machine,
/// process and .NET version, so it can route persons to shards and name things stored for years.
/// </summary>
public static class Fnv1a
{
    /// <summary>32-bit: person → shard (changing it would move persons between shards).</summary>
    public static uint Hash32(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Utf8(text, stackalloc byte[512]))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }
        return hash;
    }

    /// <summary>64-bit: remembered message ids, 8 bytes each instead of the whole string.</summary>
    public static ulong Hash64(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Utf8(text, stackalloc byte[512]))
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return hash;
    }

    private static ReadOnlySpan<byte> Utf8(string text, Span<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = Encoding.UTF8.GetMaxByteCount(text.Length) <= scratch.Length ? scratch : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        return buffer[..Encoding.UTF8.GetBytes(text, buffer)];
    }
}
