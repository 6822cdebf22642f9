using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Funnel.Storage.Configuration;

/// <summary>
/// The three service clients, built once from <see cref="StorageOptions"/>. They re-create a missing
/// container, queue or table on first use (<see cref="MissingResourcePolicy"/>) and give up on a
/// silent server after <see cref="StorageOptions.NetworkTimeout"/> instead of the SDK's 100 s.
/// </summary>
public sealed class StorageClients
{
    public StorageClients(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var recreate = new MissingResourcePolicy(EnsureCreatedAsync);
        var queueOptions = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, options, recreate);
        var blobOptions = Configure(new BlobClientOptions(), options, recreate);
        var tableOptions = Configure(new TableClientOptions(), options, recreate);
        if (options.UsesIdentity)
        {
            if (options.BlobServiceUri is null || options.QueueServiceUri is null || options.TableServiceUri is null)
            {
                throw new InvalidOperationException("Storage: identity-based access needs all of Storage__blobServiceUri, Storage__queueServiceUri and Storage__tableServiceUri");
            }
            TokenCredential credential = string.Equals(options.Credential, StorageOptions.ManagedIdentity, StringComparison.OrdinalIgnoreCase)
                ? new ManagedIdentityCredential(options.ClientId is { Length: > 0 } id ? ManagedIdentityId.FromUserAssignedClientId(id) : ManagedIdentityId.SystemAssigned)
                : new DefaultAzureCredential();
            Blobs = new BlobServiceClient(options.BlobServiceUri, credential, blobOptions);
            Queues = new QueueServiceClient(options.QueueServiceUri, credential, queueOptions);
            Tables = new TableServiceClient(options.TableServiceUri, credential, tableOptions);
        }
        else
        {
            var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? StorageOptions.DevelopmentConnectionString : options.ConnectionString;
            Blobs = new BlobServiceClient(connectionString, blobOptions);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            Tables = new TableServiceClient(connectionString, tableOptions);
        }
    }

    private static T Configure<T>(T clientOptions, StorageOptions options, HttpPipelinePolicy recreate) where T : ClientOptions
    {
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.AddPolicy(recreate, HttpPipelinePosition.PerCall);
        return clientOptions;
    }

    public BlobServiceClient Blobs { get; }
    public QueueServiceClient Queues { get; }
    public TableServiceClient Tables { get; }

    /// <summary>Creates the containers, queues and tables if they are missing (standalone and Azurite; Bicep creates them in Azure).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var container in StorageNames.Containers)
        {
            await Blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        foreach (var queue in StorageNames.Queues)
        {
            await Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Queues.GetQueueClient(StorageNames.PoisonQueueOf(queue)).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        foreach (var table in StorageNames.Tables)
        {
            await Tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }
    }
}
