namespace Funnel.Storage.Configuration;

/// <summary>
/// The <c>Storage</c> settings. Either a connection string (Azurite, local) or identity-based service
/// URIs (Azure), named as the Functions host names them: <c>Storage__blobServiceUri</c> and so on.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Azurite's well-known development account; not a secret.</summary>
    public const string DevelopmentConnectionString = "UseDevelopmentStorage=true";

    public string? ConnectionString { get; set; }
    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c> to use the app's managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of the user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>How long one storage call may stay silent before it is retried; the SDK's default (100 s) holds requests far past any client's patience.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool UsesIdentity => BlobServiceUri is not null || QueueServiceUri is not null || TableServiceUri is not null;
}
