using System.Buffers.Text;
using System.Text;

namespace Funnel.Handler.CustomHandler;

/// <summary>Recovers the request bytes from <see cref="HttpTriggerRequest.Body"/>.</summary>
/// <remarks>
/// The host sends binary bodies base64-encoded and text bodies as text. A JSON body is never valid
/// base64 (it starts with '{' or '['), so trying base64 first is unambiguous for our payloads.
/// </remarks>
public static class HttpTriggerBody
{
    public static byte[] Bytes(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return [];
        }
        if (Base64.IsValid(body, out var decodedLength) && decodedLength > 0)
        {
            return Convert.FromBase64String(body);
        }
        return Encoding.UTF8.GetBytes(body);
    }
}
