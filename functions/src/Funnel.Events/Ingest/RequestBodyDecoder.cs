using System.IO.Compression;

namespace Funnel.Events.Ingest;

/// <summary>Checks the encoding and inflates gzip bodies within the configured limit; the body is read as JSON whatever its Content-Type says.</summary>
public static class RequestBodyDecoder
{
    /// <summary>Returns the JSON bytes, or the refusal.</summary>
    public static (ReadOnlyMemory<byte> Json, IngestResult? Refusal) Decode(IngestRequest request, IngestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);

        if (request.Body.Length > limits.MaxBatchBytes)
        {
            return (default, IngestResult.Refuse(IngestRefusal.TooLarge, "body", $"request body is {request.Body.Length} bytes, over the {limits.MaxBatchBytes}-byte limit"));
        }

        var encoding = request.ContentEncoding?.Trim().ToLowerInvariant();
        switch (encoding)
        {
            case null or "" or "identity":
                return (request.Body, null);
            case "gzip" or "x-gzip":
                return Inflate(request.Body, limits.MaxDecompressedBytes);
            default:
                return (default, IngestResult.Refuse(IngestRefusal.UnsupportedContent, "Content-Encoding", $"'{request.ContentEncoding}' is not supported; send gzip or no encoding"));
        }
    }

    /// <summary>
    /// Whether a body that failed to parse was at least labelled as JSON or text. Clients label JSON
    /// bodies in many ways (browsers send text/plain to skip the CORS preflight, HTTP libraries their
    /// default form type), so the label never decides acceptance; it only picks the refusal for a body
    /// that is not JSON: 400 for a JSON label, 415 for any other media type.
    /// </summary>
    public static bool IsLabelledAsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }
        var parts = contentType.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var mediaType = parts.Length > 0 ? parts[0].ToLowerInvariant() : string.Empty;
        var utf8 = parts.Skip(1).Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2 && pair[0].Equals("charset", StringComparison.OrdinalIgnoreCase))
            .All(pair => pair[1].Trim('"').ToLowerInvariant() is "utf-8" or "utf8");
        return utf8 && (mediaType is "application/json" or "text/plain" || mediaType.EndsWith("+json", StringComparison.Ordinal));
    }

    private static (ReadOnlyMemory<byte>, IngestResult?) Inflate(ReadOnlyMemory<byte> body, int limit)
    {
        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            var buffer = new byte[Math.Min(limit + 1, Math.Max(4096, body.Length * 8))];
            var total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > limit)
                    {
                        return (default, IngestResult.Refuse(IngestRefusal.TooLarge, "body", $"gzip body inflates past the {limit}-byte limit"));
                    }
                    Array.Resize(ref buffer, Math.Min(limit + 1, buffer.Length * 2));
                }
                var read = gzip.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            return (buffer.AsMemory(0, total), null);
        }
        catch (InvalidDataException ex)
        {
            return (default, IngestResult.Refuse(IngestRefusal.Malformed, "body", $"Content-Encoding is gzip but the body is not valid gzip ({ex.Message})"));
        }
    }
}
