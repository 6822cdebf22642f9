using Funnel.Storage.Configuration;

namespace Funnel.Testing;

/// <summary>A fresh Azurite with the pipeline's containers, queues and tables created, and clients for it.</summary>
public sealed class AzuriteStorage : IAsyncDisposable
{
    private AzuriteStorage(AzuriteProcess azurite, StorageClients storage)
    {
        Azurite = azurite;
        Storage = storage;
    }

    public AzuriteProcess Azurite { get; }
    public StorageClients Storage { get; }
    public string ConnectionString => Azurite.ConnectionString;

    public static async Task<AzuriteStorage> StartAsync()
    {
        var azurite = await AzuriteProcess.StartAsync();
        var storage = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString });
        await storage.EnsureCreatedAsync(CancellationToken.None);
        return new AzuriteStorage(azurite, storage);
    }

    public ValueTask DisposeAsync() => Azurite.DisposeAsync();
}
