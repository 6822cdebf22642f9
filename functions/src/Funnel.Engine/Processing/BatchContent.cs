using System.Security.Cryptography;
using System.Text.Json;

namespace Funnel.Engine.Processing;

/// <summary>
/// What a batch says, apart from what a client's retry changes by itself (when it was sent and received, and the
/// timestamp corrected from those): the same batch id with another fingerprint means a client reused message ids
/// for different events. Those are still stored once (the first copy), but counted.
/// </summary>
public static class BatchContent
{
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
                // Every event of a batch is read on the processing path: compare and hash the bytes as written, no strings.
                var start = (int)reader.TokenStartIndex;
                var changedByRetry = reader.ValueTextEquals("receivedAt"u8) || reader.ValueTextEquals("sentAt"u8) || reader.ValueTextEquals("timestamp"u8);
                reader.Skip();
                if (!changedByRetry)
                {
                    hash.AppendData(e.Span[start..(int)reader.BytesConsumed]);
                }
            }
            hash.AppendData("\n"u8);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset().AsSpan(0, 16));
    }
}
