using System.Text;
using System.Text.Json;
using Funnel.Domain.Events;

namespace Funnel.Domain.Processing;

/// <summary>Whose event an event is, and whether a device link decided it (then the stored event names its person).</summary>
public readonly record struct ResolvedPerson(string Key, bool Linked);

/// <summary>
/// Decides whose event each event of a batch is. An event with a userId is that user's. An event with
/// only an anonymousId is the linked user's when the device was linked (by a call carrying both ids)
/// in this batch or in one received before it; otherwise the anonymous id is the person. Using only
/// links received before the batch keeps a redelivered message routed as it was the first time.
/// </summary>
public sealed class PersonResolver(IIdentityLinks links)
{
    private static readonly IReadOnlyDictionary<string, IdentityLink> NoLinks = new Dictionary<string, IdentityLink>();

    /// <summary>The person of every event of the batch, in order; stores the batch's new links first.</summary>
    public async Task<IReadOnlyList<ResolvedPerson>> ResolveAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var ids = batch.Events.Select(Ids).ToList();
        var batchLinks = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        foreach (var (userId, anonymousId) in ids)
        {
            if (userId is not null && anonymousId is not null && !batchLinks.ContainsKey(anonymousId))
            {
                batchLinks[anonymousId] = new IdentityLink(anonymousId, userId, batch.ReceivedAt);
            }
        }
        // Devices linked in this batch are added (read back only where a link was stored first); the others are looked up.
        var anonymousOnly = ids.Where(i => i.UserId is null && i.AnonymousId is not null && !batchLinks.ContainsKey(i.AnonymousId))
            .Select(i => i.AnonymousId!).Distinct(StringComparer.Ordinal).ToList();
        var added = batchLinks.Count == 0 ? Task.FromResult(NoLinks) : links.AddAsync(batchLinks.Values, cancellationToken);
        var found = anonymousOnly.Count == 0 ? Task.FromResult(NoLinks) : links.FindAsync(anonymousOnly, cancellationToken);
        await Task.WhenAll(added, found);
        var stored = new Dictionary<string, IdentityLink>(StringComparer.Ordinal);
        foreach (var (anonymousId, link) in (await added).Concat(await found))
        {
            stored[anonymousId] = link;
        }
        return ids.Select(i =>
        {
            if (i.UserId is { } userId)
            {
                return new ResolvedPerson(userId, Linked: false);
            }
            if (i.AnonymousId is not { } anonymousId)
            {
                throw new FormatException($"an event of batch {batch.BatchId} has neither userId nor anonymousId");
            }
            return Linked(anonymousId, stored, batchLinks, batch.ReceivedAt) is { } linkedUser
                ? new ResolvedPerson(linkedUser, Linked: true)
                : new ResolvedPerson(anonymousId, Linked: false);
        }).ToList();
    }

    private static string? Linked(string anonymousId, Dictionary<string, IdentityLink> stored, Dictionary<string, IdentityLink> batchLinks, DateTimeOffset receivedAt)
    {
        if (stored.TryGetValue(anonymousId, out var link) && link.LinkedAt <= receivedAt)
        {
            return link.UserId;
        }
        return !stored.ContainsKey(anonymousId) && batchLinks.TryGetValue(anonymousId, out var fresh) ? fresh.UserId : null;
    }

    private static (string? UserId, string? AnonymousId) Ids(ReadOnlyMemory<byte> e)
    {
        using var document = JsonDocument.Parse(e);
        return PersonKey.Ids(document.RootElement);
    }

    /// <summary>The event with <c>personKey</c> added as its first property, for events whose person is not their own ids'.</summary>
    public static ReadOnlyMemory<byte> WithPersonKey(ReadOnlyMemory<byte> e, string personKey)
    {
        var prefix = Encoding.UTF8.GetBytes("{\"personKey\":" + JsonSerializer.Serialize(personKey) + ",");
        var body = e.Span.TrimStart(" \t\r\n"u8)[1..].TrimStart(" \t\r\n"u8);
        if (body.Length > 0 && body[0] == (byte)'}')
        {
            prefix[^1] = (byte)'}';
            return prefix;
        }
        var result = new byte[prefix.Length + body.Length];
        prefix.CopyTo(result, 0);
        body.CopyTo(result.AsSpan(prefix.Length));
        return result;
    }
}
