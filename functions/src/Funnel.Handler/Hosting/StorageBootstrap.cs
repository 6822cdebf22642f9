using Funnel.Storage.Configuration;

namespace Funnel.Handler.Hosting;

/// <summary>Standalone only: creates the containers, queues and tables before serving (Bicep creates them in Azure).</summary>
public sealed class StorageBootstrap(StorageClients storage, ILogger<StorageBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);
        logger.LogInformation("Storage ready at {BlobEndpoint}", storage.Blobs.Uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
