using System.IO.Compression;

namespace Funnel.Domain.Ingest;

/// <summary>Checks content type and encoding and inflates gzip bodies within the configured limit.</summary>
public static class RequestBodyDecoder
{
    /// <summary>Returns the JSON bytes, or the refusal.</summary>
    public static (ReadOnlyMemory<byte> Json, IngestResult? Refusal) Decode(IngestRequest request, IngestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);

        var contentTypeProblem = CheckContentType(request.ContentType);
        if (contentTypeProblem is not null)
        {
            return (default, IngestResult.Refuse(IngestRefusal.UnsupportedContent, "Content-Type", contentTypeProblem));
        }
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

    private static string? CheckContentType(string? contentType)
    {
        // Segment's clients always send one; curl users who forget it are not punished.
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }
        var parts = contentType.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var mediaType = parts.Length > 0 ? parts[0].ToLowerInvariant() : string.Empty;
        if (mediaType is not ("application/json" or "text/plain"))
        {
            return $"'{mediaType}' is not accepted; send application/json or text/plain";
        }
        foreach (var parameter in parts.Skip(1))
        {
            var pair = parameter.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0].Equals("charset", StringComparison.OrdinalIgnoreCase)
                && !pair[1].Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                && !pair[1].Trim('"').Equals("utf8", StringComparison.OrdinalIgnoreCase))
            {
                return $"charset '{pair[1]}' is not accepted; send UTF-8";
            }
        }
        return null;
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
