using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Funnel.Events.Privacy;

/// <summary>
/// Masks an event's personal data while ingest writes it: listed keys become <c>hmac-sha256:&lt;hex&gt;</c>
/// of their value (the same value always gives the same hash, so joins and distinct counts still work),
/// dropped keys disappear, and <c>context.ip</c> is truncated, dropped or kept.
/// </summary>
public sealed class EventMasking
{
    public const string HashPrefix = "hmac-sha256:";
    private const string IpPath = "context.ip";

    private readonly MaskingRules _rules;
    private readonly HashSet<string> _hash;
    private readonly HashSet<string> _drop;
    private readonly HashSet<string> _parents;

    /// <summary>Every path any rule names, and the objects holding them: a path outside it is written as it came.</summary>
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _all;

    public EventMasking(MaskingRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(rules));
        }
        _rules = rules;
        _hash = new HashSet<string>(rules.HashKeys, StringComparer.OrdinalIgnoreCase);
        _drop = new HashSet<string>(rules.DropKeys, StringComparer.OrdinalIgnoreCase);
        if (rules.Ip == IpMasking.Drop)
        {
            _drop.Add(IpPath);
        }
        _parents = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in _hash.Concat(_drop).Append(IpPath))
        {
            for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
            {
                _parents.Add(path[..dot]);
            }
        }
        _all = new HashSet<string>(_hash.Concat(_drop).Concat(_parents).Append(IpPath), StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Masks nothing but the IP's default truncation: for tools and tests that do not hash.</summary>
    public static EventMasking IpOnly { get; } = new(new MaskingRules(IpMasking.Truncate, [], [], null));

    /// <summary>Writes <paramref name="property"/>, found at <paramref name="parentPath"/> (null at the event's root), masked.</summary>
    public void WriteProperty(Utf8JsonWriter writer, string? parentPath, JsonProperty property)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Most properties are masked by no rule: they are looked up by a path built on the stack, and only
        // a property that a rule names (or an object holding one) gets its path as a string.
        Span<char> buffer = stackalloc char[256];
        if (TryPathOf(parentPath, property, buffer, out var length) && !_all.Contains(buffer[..length]))
        {
            property.WriteTo(writer);
            return;
        }
        var path = parentPath is null ? property.Name : parentPath + "." + property.Name;
        if (_drop.Contains(path))
        {
            return;
        }
        if (_hash.Contains(path))
        {
            if (property.Value.ValueKind != JsonValueKind.Null)
            {
                writer.WriteString(property.Name, Hash(property.Value));
                return;
            }
        }
        else if (string.Equals(path, IpPath, StringComparison.OrdinalIgnoreCase) && _rules.Ip == IpMasking.Truncate)
        {
            if (Truncate(property.Value) is { } truncated)
            {
                writer.WriteString(property.Name, truncated);
            }
            return;
        }
        else if (property.Value.ValueKind == JsonValueKind.Object && _parents.Contains(path))
        {
            writer.WriteStartObject(property.Name);
            foreach (var child in property.Value.EnumerateObject())
            {
                WriteProperty(writer, path, child);
            }
            writer.WriteEndObject();
            return;
        }
        property.WriteTo(writer);
    }

    /// <summary>Writes the property's path into <paramref name="buffer"/>; false when it does not fit or its name is escaped (then the string path decides).</summary>
    private static bool TryPathOf(string? parentPath, JsonProperty property, Span<char> buffer, out int length)
    {
        length = 0;
        var name = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8PropertyName(property);
        var prefix = parentPath is null ? 0 : parentPath.Length + 1;
        if (name.IndexOf((byte)'\\') >= 0 || prefix + Encoding.UTF8.GetMaxCharCount(name.Length) > buffer.Length)
        {
            return false;
        }
        if (parentPath is not null)
        {
            parentPath.CopyTo(buffer);
            buffer[parentPath.Length] = '.';
        }
        length = prefix + Encoding.UTF8.GetChars(name, buffer[prefix..]);
        return true;
    }

    /// <summary>A string hashes its text; anything else (a number, an address object) its compact JSON.</summary>
    public string Hash(JsonElement value)
    {
        byte[] input;
        if (value.ValueKind == JsonValueKind.String)
        {
            input = Encoding.UTF8.GetBytes(value.GetString()!);
        }
        else
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                value.WriteTo(json);
            }
            input = buffer.WrittenSpan.ToArray();
        }
        return HashPrefix + Convert.ToHexStringLower(HMACSHA256.HashData(_rules.HashSecret!, input));
    }

    /// <summary>The /24 (IPv4) or /48 (IPv6) network of an address; null for anything that is not one, which is then left out.</summary>
    public static string? Truncate(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String || !IPAddress.TryParse(value.GetString(), out var address))
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        Array.Clear(bytes, keep, bytes.Length - keep);
        return new IPAddress(bytes).ToString();
    }
}
