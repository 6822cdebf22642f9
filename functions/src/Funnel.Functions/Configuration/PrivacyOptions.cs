using System.ComponentModel.DataAnnotations;
using System.Text;
using Funnel.Events.Privacy;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Privacy</c> settings: how ingest masks personal data before anything is written.</summary>
public sealed class PrivacyOptions : IValidatableObject
{
    public const string Section = "Privacy";

    /// <summary><c>truncate</c> (default: IPv4 /24, IPv6 /48), <c>drop</c> or <c>keep</c> for <c>context.ip</c>.</summary>
    public IpMasking Ip { get; set; } = IpMasking.Truncate;

    /// <summary>The HMAC key of hashed keys; in Azure a Key Vault reference. Never logged.</summary>
    public string? HashSecret { get; set; }

    /// <summary>Dotted key paths replaced by their HMAC (<c>Privacy__HashKeys__N</c>); unset means <see cref="MaskingRules.DefaultHashKeys"/>, one empty entry means none.</summary>
    public List<string>? HashKeys { get; set; }

    /// <summary>Dotted key paths removed from every event (<c>Privacy__DropKeys__N</c>).</summary>
    public List<string> DropKeys { get; set; } = [];

    public MaskingRules ToRules() => new(
        Ip,
        HashKeys is null ? MaskingRules.DefaultHashKeys : HashKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList(),
        DropKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList(),
        string.IsNullOrEmpty(HashSecret) ? null : Encoding.UTF8.GetBytes(HashSecret));

    /// <summary>Refuses hashed keys without a secret, naming the setting: a default secret would be a false promise.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ToRules().Problem() is { } problem)
        {
            yield return new ValidationResult(problem, [nameof(HashSecret)]);
        }
    }
}
