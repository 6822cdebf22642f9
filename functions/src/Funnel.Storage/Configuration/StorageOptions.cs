using System.ComponentModel.DataAnnotations;

namespace Funnel.Storage.Configuration;

/// <summary>
/// The <c>Storage</c> settings. Either a connection string (Azurite, local) or identity-based service
/// URIs (Azure), named as the Functions host names them: <c>Storage__blobServiceUri</c> and so on.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Storage";

    /// <summary>Azurite's well-known development account; not a secret.</summary>
    public const string DevelopmentConnectionString = "UseDevelopmentStorage=true";

    /// <summary>The one <see cref="Credential"/> value with a meaning: the app's managed identity.</summary>
    public const string ManagedIdentity = "managedidentity";

    public string? ConnectionString { get; set; }
    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c> to use the app's managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of the user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>How long one storage call may stay silent before it is retried; the SDK's default (100 s) holds requests far past any client's patience.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool UsesIdentity => BlobServiceUri is not null || QueueServiceUri is not null || TableServiceUri is not null;

    /// <summary>Half an identity-based connection, or one beside a connection string, would reach storage other than the one meant, or fail on first use.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesIdentity)
        {
            yield break;
        }
        var uris = new (string Setting, Uri? Uri)[]
        {
            ("Storage__blobServiceUri", BlobServiceUri), ("Storage__queueServiceUri", QueueServiceUri), ("Storage__tableServiceUri", TableServiceUri),
        };
        foreach (var (setting, uri) in uris)
        {
            if (uri is null)
            {
                yield return new ValidationResult($"{setting} is not set: identity-based storage access needs all of Storage__blobServiceUri, Storage__queueServiceUri and Storage__tableServiceUri");
            }
            else if (!uri.IsAbsoluteUri)
            {
                yield return new ValidationResult($"{setting} must be an absolute URI such as https://account.blob.core.windows.net/, not '{uri}'");
            }
        }
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Storage__ConnectionString and the identity-based Storage__*ServiceUri settings are both set; set one or the other");
        }
        if (!string.IsNullOrEmpty(Credential) && !string.Equals(Credential, ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"Storage__credential must be {ManagedIdentity} or unset (the default credential chain), not '{Credential}'");
        }
    }
}
