using Funnel.Storage.Configuration;

namespace Funnel.Standalone.Hosting;

/// <summary>Standalone only: creates the containers, queues and tables before serving (Bicep creates them in Azure).</summary>
public sealed class StorageBootstrap(StorageClients storage, ILogger<StorageBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureCreatedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
        {
            throw new InvalidOperationException($"Cannot reach storage at {storage.Blobs.Uri} to create containers, queues and tables; check Storage__ConnectionString. {ex.Message}", ex);
        }
        logger.LogInformation("Storage ready at {BlobEndpoint}", storage.Blobs.Uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
