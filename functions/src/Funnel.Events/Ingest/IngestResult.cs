namespace Funnel.Events.Ingest;

/// <summary>
/// The outcome of one ingest request: the answer for the client, and either the batch of accepted
/// events to enqueue (<see cref="Refusal"/> is null) or why the whole request was refused.
/// </summary>
public sealed record IngestResult(IngestRefusal? Refusal, IngestAnswer Answer, RawEventBatch? Batch)
{
    /// <summary>Events of erased persons: acknowledged to the client, counted, not stored (not in <see cref="Batch"/>).</summary>
    public int Erased { get; init; }

    public static IngestResult Refuse(IngestRefusal refusal, string field, string reason) =>
        new(refusal, new IngestAnswer(false, 0, 0, [new IngestError(null, field, reason)]), null);
}
