using System.Security.Cryptography;
using System.Text;

namespace Funnel.Standalone.Functions;

/// <summary>
/// Stands in for the Functions host's keys on routes above <c>AuthorizationLevel.Anonymous</c>: the caller sends
/// <c>x-functions-key</c> (or <c>?code=</c>) equal to one of <c>Admin__Keys__N</c>; with no key configured, every such call is refused.
/// </summary>
public sealed class FunctionKeys(IConfiguration configuration)
{
    public const string Setting = "Admin__Keys__0";

    private readonly byte[][] _hashes = configuration.GetSection("Admin:Keys").GetChildren()
        .Select(k => k.Value).Where(k => !string.IsNullOrEmpty(k))
        .Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k!))).ToArray();

    /// <summary>Null when the request may pass; otherwise why not.</summary>
    public string? Refusal(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_hashes.Length == 0)
        {
            return $"no function keys are configured on this host: set {Setting} (and __1, … for more) and send it as x-functions-key";
        }
        var presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return "missing: send a function key as the x-functions-key header";
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return _hashes.Any(h => CryptographicOperations.FixedTimeEquals(h, hash)) ? null : "unknown function key";
    }
}
