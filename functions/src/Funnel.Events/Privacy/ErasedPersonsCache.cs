namespace Funnel.Events.Privacy;

/// <summary>
/// The erased persons as ingest, ProcessEvents and the fold see them: read from the log at most every
/// <see cref="MaxAge"/>, and at once in the process that accepted a request. Other instances learn of a
/// new request within that time; what they store meanwhile is removed by the next daily run.
/// </summary>
public sealed class ErasedPersonsCache(IErasureLog log, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private (ErasedPersons Persons, DateTimeOffset ReadAt)? _current;

    /// <summary>Requests arriving together while the copy is stale may each read the log; a read is cheap and the last one wins.</summary>
    public async ValueTask<ErasedPersons> CurrentAsync(CancellationToken cancellationToken) =>
        _current is { } current && time.GetUtcNow() - current.ReadAt < MaxAge ? current.Persons : await ReadAsync(cancellationToken);

    /// <summary>Reads the log now, e.g. right after accepting a request or before a fold writes its state.</summary>
    public async Task<ErasedPersons> ReadAsync(CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var persons = new ErasedPersons(await log.ListAsync(cancellationToken));
        _current = (persons, readAt);
        return persons;
    }
}
