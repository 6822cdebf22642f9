namespace Funnel.Events.Privacy;

/// <summary>
/// Which parts of an event ingest masks before anything is written: dotted paths from the event's root
/// (<c>traits.email</c>, <c>context.traits.phone</c>), matched without regard to case.
/// </summary>
public sealed record MaskingRules(IpMasking Ip, IReadOnlyList<string> HashKeys, IReadOnlyList<string> DropKeys, byte[]? HashSecret)
{
    /// <summary>The name of the secret's setting, for messages that tell an operator what to set.</summary>
    public const string HashSecretSetting = "Privacy__HashSecret";

    /// <summary>Hashed when nothing else is configured; the <c>context.traits</c> copies are what browser clients send on every call.</summary>
    public static IReadOnlyList<string> DefaultHashKeys { get; } =
    [
        "traits.email", "traits.phone", "traits.name", "traits.address", "properties.email", "properties.phone",
        "context.traits.email", "context.traits.phone", "context.traits.name", "context.traits.address",
    ];

    /// <summary>Shortest secret accepted: 32 bytes, the HMAC-SHA256 block of security it promises.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>Why these rules cannot run, or null: hashing without a secret would be a false promise.</summary>
    public string? Problem()
    {
        var bad = HashKeys.Concat(DropKeys).FirstOrDefault(k => string.IsNullOrWhiteSpace(k) || k.Split('.').Any(string.IsNullOrWhiteSpace));
        if (bad is not null)
        {
            return $"Privacy: '{bad}' is not a dotted key path such as traits.email";
        }
        if (HashKeys.Count > 0 && (HashSecret is null || HashSecret.Length == 0))
        {
            return $"{HashSecretSetting} is required: {HashKeys.Count} keys are hashed (Privacy__HashKeys__N) and there is no secret to hash them with; set it (a Key Vault reference in Azure) or clear the hash keys";
        }
        // App Service passes a Key Vault reference it could not resolve on as its own text: a public string, not a secret.
        if (HashSecret is not null && System.Text.Encoding.UTF8.GetString(HashSecret).StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            return $"{HashSecretSetting} is a Key Vault reference the platform could not resolve: check that the secret exists and the app's identity may read it (Key Vault Secrets User)";
        }
        if (HashKeys.Count > 0 && HashSecret!.Length < MinSecretBytes)
        {
            return $"{HashSecretSetting} is {HashSecret.Length} bytes; use at least {MinSecretBytes} random bytes";
        }
        return null;
    }
}
