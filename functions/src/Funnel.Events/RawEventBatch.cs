namespace Funnel.Events;

/// <summary>
/// The accepted events of one ingest request, as queued for ProcessEvents. Each event is one
/// enriched JSON object (UTF-8). <see cref="BatchId"/> names the raw blobs, so redelivery rewrites them.
/// </summary>
public sealed record RawEventBatch(string BatchId, DateTimeOffset ReceivedAt, IReadOnlyList<ReadOnlyMemory<byte>> Events);
