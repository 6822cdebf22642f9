using System.Text;

namespace Funnel.Functions.Ingest;

/// <summary>Pulls the write key out of an HTTP Basic header (key as user name, empty password).</summary>
public static class WriteKeyCredential
{
    public static string? FromAuthorizationHeader(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return null;
        }
        var parts = authorization.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[0].Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parts[1]));
            var user = decoded.Split(':', 2)[0];
            return user.Length == 0 ? null : user;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
