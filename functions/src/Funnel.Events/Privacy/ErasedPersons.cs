namespace Funnel.Events.Privacy;

/// <summary>
/// The ids of every accepted erasure, as digests, each with the requests that named it. An event is an
/// erased person's when its own person (<c>userId</c>, else <c>anonymousId</c>) is among them: a device
/// linked to an erased user is named in the request itself; another user's event on a shared device stays theirs.
/// </summary>
public sealed class ErasedPersons
{
    private readonly Dictionary<string, List<string>> _requestsByDigest = new(StringComparer.Ordinal);

    public ErasedPersons(IEnumerable<ErasureRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var request in requests)
        {
            RequestCount++;
            foreach (var digest in request.Digests)
            {
                if (!_requestsByDigest.TryGetValue(digest, out var ids))
                {
                    _requestsByDigest[digest] = ids = [];
                }
                ids.Add(request.Id);
            }
        }
    }

    public static ErasedPersons None { get; } = new([]);

    public bool IsEmpty => _requestsByDigest.Count == 0;

    /// <summary>How many requests (pending and completed) there are; only ever grows.</summary>
    public int RequestCount { get; }

    /// <summary>The requests that erased this id (empty when none did).</summary>
    public IReadOnlyList<string> RequestsOf(string? id) =>
        id is null || IsEmpty ? [] : _requestsByDigest.GetValueOrDefault(PersonDigest.Of(id)) ?? (IReadOnlyList<string>)[];

    public bool Contains(string? id) => RequestsOf(id).Count > 0;
}
