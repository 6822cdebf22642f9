using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Standalone.Functions;

/// <summary>
/// The Functions host's key check, without its secret store: a caller sends a key as <c>x-functions-key</c>, or
/// without that header as <c>?code=</c>; the master key grants the admin level (every keyed route), a host key
/// the function level on every function, a function key the function level on its own function only. Keys come
/// from configuration: <c>FunctionKeys__Master</c>, <c>FunctionKeys__Host__{name}</c>,
/// <c>FunctionKeys__Functions__{function}__{name}</c>; none is generated, so with none set every keyed call is refused.
/// </summary>
public sealed class FunctionKeys
{
    public const string Section = "FunctionKeys";

    /// <summary>The header the Functions host reads a key from; it wins over the query parameter.</summary>
    public const string Header = "x-functions-key";

    public const string QueryParameter = "code";

    /// <summary>The setting of a host key named <c>default</c>, as the Functions host creates one.</summary>
    public const string DefaultHostKeySetting = "FunctionKeys__Host__default";

    private readonly byte[]? _master;
    private readonly byte[][] _host;
    private readonly Dictionary<string, byte[][]> _functions;

    /// <summary>No key of any kind is set: every keyed call is refused with the setting to add.</summary>
    private readonly bool _none;

    public FunctionKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetSection("Admin:Keys").Exists())
        {
            // Removed rather than kept beside the new keys, so there is one place to look; the message names it.
            throw new InvalidOperationException($"Admin__Keys__N is no longer read; set the ops API's key as {DefaultHostKeySetting} (see README, \"Function keys\")");
        }
        var section = configuration.GetSection(Section);
        _master = Hash(section["Master"]);
        _host = Hashes(section.GetSection("Host"));
        _functions = section.GetSection("Functions").GetChildren().ToDictionary(f => f.Key, Hashes, StringComparer.OrdinalIgnoreCase);
        _none = _master is null && _host.Length == 0 && _functions.Values.All(keys => keys.Length == 0);
    }

    /// <summary>Null when the request may call <paramref name="function"/>, whose trigger asks for <paramref name="level"/>; otherwise why not.</summary>
    public string? Refusal(HttpRequest request, string function, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return null;
        }
        if (_none)
        {
            return $"no function keys are configured on this host: set {DefaultHostKeySetting} (or FunctionKeys__Master) and send it as {Header}";
        }
        var presented = request.Headers.TryGetValue(Header, out var header) ? header.FirstOrDefault() : request.Query[QueryParameter].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return $"missing: send a function key as the {Header} header";
        }
        var granted = LevelOf(presented, function);
        // As the Functions host: the admin level passes every check, any other only its own level.
        return granted == AuthorizationLevel.Admin || granted == level ? null
            : granted == AuthorizationLevel.Anonymous ? "unknown function key"
            : $"this key does not open {function}, which asks for the {level} level";
    }

    private AuthorizationLevel LevelOf(string key, string function)
    {
        var hash = Hash(key)!;
        if (_master is not null && CryptographicOperations.FixedTimeEquals(_master, hash))
        {
            return AuthorizationLevel.Admin;
        }
        if (Matches(_host, hash) || (_functions.TryGetValue(function, out var own) && Matches(own, hash)))
        {
            return AuthorizationLevel.Function;
        }
        return AuthorizationLevel.Anonymous;
    }

    private static bool Matches(byte[][] keys, byte[] hash) => keys.Any(k => CryptographicOperations.FixedTimeEquals(k, hash));

    private static byte[][] Hashes(IConfigurationSection keys) =>
        keys.GetChildren().Select(k => Hash(k.Value)).OfType<byte[]>().ToArray();

    /// <summary>Keys are compared as hashes, in fixed time, so neither their length nor a matching prefix shows in the timing.</summary>
    private static byte[]? Hash(string? key) => string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
