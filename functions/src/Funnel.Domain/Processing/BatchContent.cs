using System.Security.Cryptography;
using System.Text.Json;

namespace Funnel.Domain.Processing;

/// <summary>
/// What a batch says, apart from what a client's retry changes by itself (when it was sent and received, and the
/// timestamp corrected from those): the same batch id with another fingerprint means a client reused message ids
/// for different events. Those are still stored once (the first copy), but counted.
/// </summary>
public static class BatchContent
{
    private static readonly HashSet<string> ChangedByRetry = new(StringComparer.Ordinal) { "receivedAt", "sentAt", "timestamp" };

    /// <summary>A hex digest over every event's other top-level properties, in order; null when an event is not a JSON object.</summary>
    public static string? Fingerprint(IEnumerable<ReadOnlyMemory<byte>> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in events)
        {
            var reader = new Utf8JsonReader(e.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                var start = (int)reader.BytesConsumed;
                reader.Skip();
                if (!ChangedByRetry.Contains(name))
                {
                    hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
                    hash.AppendData(e.Span[start..(int)reader.BytesConsumed]);
                }
            }
            hash.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
