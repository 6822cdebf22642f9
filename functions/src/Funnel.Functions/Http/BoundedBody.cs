using System.Text;
using Microsoft.AspNetCore.Http;

namespace Funnel.Functions.Http;

/// <summary>
/// Reads a request body of at most a given size, counting the bytes read rather than trusting Content-Length (a chunked
/// body has none), so a large upload is refused with 413 before it is parsed.
/// </summary>
public static class BoundedBody
{
    /// <summary>The body's bytes, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        var bytes = new byte[maxBytes + 1];
        var length = await request.Body.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        // Not a conditional expression: null would convert to an empty Memory through byte[], not to "no body".
        if (length > maxBytes)
        {
            return null;
        }
        return new ReadOnlyMemory<byte>(bytes, 0, length);
    }

    /// <summary>The body as UTF-8 text, or the answer refusing it: 413 naming <paramref name="tooLarge"/>, 400 when it is not UTF-8.</summary>
    public static async Task<(string? Text, IResult? Refusal)> ReadTextAsync(HttpRequest request, int maxBytes, string tooLarge, CancellationToken cancellationToken)
    {
        if (await ReadAsync(request, maxBytes, cancellationToken) is not { } bytes)
        {
            return (null, ApiProblem.Of(StatusCodes.Status413PayloadTooLarge, "body", tooLarge));
        }
        try
        {
            return (new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Span), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, ApiProblem.Of(StatusCodes.Status400BadRequest, "body", "is not UTF-8 text"));
        }
    }
}
