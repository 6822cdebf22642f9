using Funnel.Events;

namespace Funnel.Events.Privacy;

/// <summary>
/// Accepts an erasure request: finds every id of the person (a user and the devices linked to them; a
/// device linked to a user stands for that user), logs their digests and shards, forgets their identity
/// links, and from then on this process drops their events at ingest. The id itself is never stored.
/// </summary>
public sealed class ErasureIntake(IErasureLog log, IPersonDevices devices, ShardRouter router, ErasedPersonsCache erased, TimeProvider time)
{
    public const string UserIdKind = "userId";
    public const string AnonymousIdKind = "anonymousId";

    public async Task<ErasureRequest> AcceptAsync(string idKind, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (idKind is not (UserIdKind or AnonymousIdKind))
        {
            throw new ArgumentException($"'{idKind}' is neither {UserIdKind} nor {AnonymousIdKind}", nameof(idKind));
        }
        // One request per person at a time: the same id asked again while a request naming it is pending answers with that request.
        var digest = PersonDigest.Of(id);
        if ((await log.ListAsync(cancellationToken)).FirstOrDefault(r => r.Status == ErasureStatus.Pending && r.Digests.Contains(digest)) is { } pending)
        {
            return pending;
        }
        var user = idKind == UserIdKind ? id : await devices.UserOfAsync(id, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal) { id };
        if (user is not null)
        {
            ids.Add(user);
            ids.UnionWith(await devices.DevicesOfAsync(user, cancellationToken));
        }
        var now = time.GetUtcNow();
        var request = new ErasureRequest(
            Guid.CreateVersion7(now).ToString("N"),
            idKind,
            [.. ids.Select(PersonDigest.Of).Order(StringComparer.Ordinal)],
            // Every shard: a user's calls from a device linked to someone else are stored in that device's shard.
            [.. Enumerable.Range(0, router.ShardCount)],
            now,
            ErasureStatus.Pending,
            ErasureCounts.Zero);
        await log.AddAsync(request, cancellationToken);
        await erased.ReadAsync(cancellationToken);
        var links = await devices.ForgetAsync(request.Digests, cancellationToken);
        if (links > 0)
        {
            request = request with { Removed = request.Removed with { IdentityLinks = links } };
            await log.UpdateAsync(request, cancellationToken);
        }
        return request;
    }

    /// <summary>
    /// Takes a device into a pending request whose user it was found linked to after the request was accepted (the
    /// link came the same day and the daily run stored it later); returns false when there is nothing to add.
    /// </summary>
    public async Task<bool> AddLinkedDeviceAsync(string requestId, string anonymousId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(anonymousId);
        var digest = PersonDigest.Of(anonymousId);
        if (await log.GetAsync(requestId, cancellationToken) is not { Status: ErasureStatus.Pending } request || request.Digests.Contains(digest))
        {
            return false;
        }
        await log.UpdateAsync(request with
        {
            Digests = [.. request.Digests.Append(digest).Order(StringComparer.Ordinal)],
            Shards = [.. request.Shards.Append(router.ShardOf(anonymousId)).Distinct().Order()],
        }, cancellationToken);
        await erased.ReadAsync(cancellationToken);
        return true;
    }
}
