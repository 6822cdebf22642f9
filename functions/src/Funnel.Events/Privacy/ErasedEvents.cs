namespace Funnel.Events.Privacy;

/// <summary>Finds an erased person's events among stored or queued event JSON.</summary>
public static class ErasedEvents
{
    /// <summary>The requests that erased the person of one event (UTF-8 JSON); empty for anyone else's event or a line that is not an event.</summary>
    public static IReadOnlyList<string> RequestsOf(ReadOnlySpan<byte> json, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(erased);
        if (erased.IsEmpty)
        {
            return [];
        }
        return erased.RequestsOf(Events.PersonKey.Read(json).Person);
    }

    /// <summary>The batch without the erased persons' events (the same batch when there are none).</summary>
    public static RawEventBatch Without(RawEventBatch batch, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(erased);
        if (erased.IsEmpty)
        {
            return batch;
        }
        var kept = batch.Events.Where(e => RequestsOf(e.Span, erased).Count == 0).ToList();
        return kept.Count == batch.Events.Count ? batch : batch with { Events = kept };
    }
}
