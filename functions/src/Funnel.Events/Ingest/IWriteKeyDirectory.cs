namespace Funnel.Events.Ingest;

/// <summary>Knows which write keys may send events. Implementations compare hashes, never plain keys at rest.</summary>
public interface IWriteKeyDirectory
{
    Task<bool> IsKnownAsync(string key, CancellationToken cancellationToken);
}
