using System.Security.Cryptography;
using System.Text;

namespace Funnel.Events.Privacy;

/// <summary>SHA-256 hex of a user or device id: what the erasure log keeps instead of the id (the IdentityLinks table keys rows by the same digest).</summary>
public static class PersonDigest
{
    public static string Of(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
    }
}
