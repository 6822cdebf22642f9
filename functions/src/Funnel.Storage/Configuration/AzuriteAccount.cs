using System.Globalization;

namespace Funnel.Storage.Configuration;

/// <summary>Azurite's development account: its name and key are published constants, not secrets.</summary>
public static class AzuriteAccount
{
    public const string Name = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A connection string for an Azurite listening on 127.0.0.1 at the given ports.</summary>
    public static string ConnectionString(int blobPort, int queuePort, int tablePort) => string.Create(CultureInfo.InvariantCulture,
        $"DefaultEndpointsProtocol=http;AccountName={Name};AccountKey={Key};BlobEndpoint=http://127.0.0.1:{blobPort}/{Name};QueueEndpoint=http://127.0.0.1:{queuePort}/{Name};TableEndpoint=http://127.0.0.1:{tablePort}/{Name};");
}
