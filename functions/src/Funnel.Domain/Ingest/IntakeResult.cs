using Funnel.Domain.Processing;

namespace Funnel.Domain.Ingest;

/// <summary>What to answer, and the batch to enqueue first when at least one event was accepted.</summary>
public sealed record IntakeResult(IngestResponse Response, RawEventBatch? Batch);
