using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Funnel.Engine.Processing;
using Funnel.Events;

namespace Funnel.Storage.Queues;

/// <summary>
/// Turns batches into queue messages and back. Batches go gzip-compressed, as many to a message as fit
/// (a group message): every message is a queue transaction to pay for and, on the emulator, a delete
/// that costs more the longer the queue. A batch too large to fit compressed is split into plain parts;
/// a part still too large (one huge event on a small queue) goes to a blob and the message carries only
/// its name (claim check). Plain messages of earlier versions are still read.
/// </summary>
public sealed class EventBatchEnvelope(BlobServiceClient blobs, int maxMessageBytes) : IEventBatchMessages
{
    private readonly BlobContainerClient _overflow = blobs.GetBlobContainerClient(StorageNames.IngestOverflowContainer);

    public int MaxMessageBytes => maxMessageBytes;

    public async Task<IReadOnlyList<string>> ToMessagesAsync(IReadOnlyList<RawEventBatch> batches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var messages = new List<string>();
        var group = new List<byte[]>();
        long groupBytes = 0;
        foreach (var batch in batches)
        {
            var member = RawEventBatchCodec.GroupMember(batch);
            if (RawEventBatchCodec.GroupMessageLength(member.Length) > maxMessageBytes)
            {
                messages.AddRange(await PlainMessagesAsync(batch, cancellationToken));
                continue;
            }
            if (RawEventBatchCodec.GroupMessageLength(groupBytes + member.Length) > maxMessageBytes)
            {
                messages.Add(RawEventBatchCodec.GroupMessage(group));
                group.Clear();
                groupBytes = 0;
            }
            group.Add(member);
            groupBytes += member.Length;
        }
        if (group.Count > 0)
        {
            messages.Add(RawEventBatchCodec.GroupMessage(group));
        }
        return messages;
    }

    private async Task<IReadOnlyList<string>> PlainMessagesAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        var messages = new List<string>();
        foreach (var part in RawEventBatchCodec.SplitToFit(batch, maxMessageBytes))
        {
            var body = RawEventBatchCodec.Encode(part);
            if (body.Length <= maxMessageBytes)
            {
                messages.Add(Encoding.UTF8.GetString(body.Span));
                continue;
            }
            var blobName = $"{part.BatchId}.json";
            await _overflow.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(body), overwrite: true, cancellationToken);
            messages.Add(JsonSerializer.Serialize(new { batchId = part.BatchId, payloadBlob = blobName }));
        }
        return messages;
    }

    /// <summary>Only names this envelope writes: no path separators, dots or escapes can reach another blob or container.</summary>
    internal static bool IsOverflowBlobName(string name) =>
        name.EndsWith(".json", StringComparison.Ordinal) && RawEventBatchCodec.IsSafeBlobSegment(name[..^".json".Length]);

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    public async Task<IReadOnlyList<RawEventBatch>> FromMessageAsync(string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.StartsWith(RawEventBatchCodec.GroupPrefix, StringComparison.Ordinal))
        {
            return RawEventBatchCodec.DeserializeGroup(message);
        }
        var bytes = Encoding.UTF8.GetBytes(message);
        string? payloadBlob = null;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("payloadBlob", out var blob) && blob.ValueKind == JsonValueKind.String)
            {
                payloadBlob = blob.GetString();
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"event batch message is not valid JSON: {ex.Message}", ex);
        }
        if (payloadBlob is null)
        {
            return [RawEventBatchCodec.Deserialize(bytes)];
        }
        if (!IsOverflowBlobName(payloadBlob))
        {
            throw new FormatException($"payloadBlob must name a blob of the {StorageNames.IngestOverflowContainer} container ({{batchId}}.json), not '{Truncate(payloadBlob)}'");
        }
        var content = await _overflow.GetBlobClient(payloadBlob).DownloadContentAsync(cancellationToken);
        return [RawEventBatchCodec.Deserialize(content.Value.Content.ToMemory())];
    }
}
