using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Funnel.Metrics;

namespace Funnel.Storage.Definitions;

/// <summary>The definitions document in the <c>config</c> container: <c>definitions.json</c> in force, <c>definitions/{version}.json</c> each uploaded version.</summary>
public sealed class BlobDefinitionsStore(BlobServiceClient blobs) : IDefinitionsStore
{
    public const string InForceBlob = "definitions.json";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(StorageNames.ConfigContainer);

    public static string VersionBlob(string version) => $"definitions/{version}.json";

    public Task<string?> ReadInForceAsync(CancellationToken cancellationToken) => ReadAsync(InForceBlob, cancellationToken);

    public Task<string?> ReadVersionAsync(string version, CancellationToken cancellationToken) =>
        DefinitionsDocument.IsVersion(version) ? ReadAsync(VersionBlob(version), cancellationToken) : Task.FromResult<string?>(null);

    public async Task PutInForceAsync(string version, string document, CancellationToken cancellationToken)
    {
        if (!DefinitionsDocument.IsVersion(version))
        {
            throw new ArgumentException($"'{version}' is not a definitions version", nameof(version));
        }
        var bytes = BinaryData.FromString(document);
        await _container.GetBlobClient(VersionBlob(version)).UploadAsync(bytes, overwrite: true, cancellationToken);
        await _container.GetBlobClient(InForceBlob).UploadAsync(bytes, overwrite: true, cancellationToken);
    }

    private async Task<string?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return Encoding.UTF8.GetString(content.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
