using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Funnel.Events.Ingest;

/// <summary>
/// Daily counts of what ingest refused for what was sent, by reason: a request refused as a whole counts once
/// under <c>request.{refusal}</c>, an invalid event of an accepted batch under <c>event.{field}</c>. Refusals for
/// capacity (busy, storage unavailable) are left out: the client retries those, nothing about the data was wrong.
/// </summary>
public static class IngestRefusalReasons
{
    /// <summary>Events of a batch whose id came again with other content: the first copy stands, these are not stored.</summary>
    public const string ReusedMessageIds = "stored.messageIdReused";

    public static IEnumerable<(string Reason, long Count)> Of(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Refusal is { } refusal)
        {
            if (refusal is not (IngestRefusal.Busy or IngestRefusal.StorageUnavailable))
            {
                yield return ("request." + System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(refusal.ToString()), 1);
            }
            yield break;
        }
        foreach (var byField in result.Answer.Errors.Where(e => e.Index is not null).GroupBy(e => e.Field, StringComparer.Ordinal))
        {
            yield return ("event." + byField.Key, byField.Count());
        }
    }
}

/// <summary>One reason ingest (or the stored-batch check) refused events on a day, and how many.</summary>
public sealed record RejectedAtIngest(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("count")] long Count);

/// <summary>The daily refusal counters (the <c>IngestRefusals</c> table): increments from every instance add up, none lost.</summary>
public interface IIngestRefusalCounters
{
    /// <summary>Adds <paramref name="count"/> to the day's counter of <paramref name="reason"/>; throws, having added nothing, when storage fails.</summary>
    Task AddAsync(DateOnly day, string reason, long count, CancellationToken cancellationToken);

    /// <summary>The day's counters, most refused first (ties by reason).</summary>
    Task<IReadOnlyList<RejectedAtIngest>> ReadAsync(DateOnly day, CancellationToken cancellationToken);
}

/// <summary>
/// Refusal counts of this instance not yet added to the table: ingest adds here in memory (no storage call on
/// the request path) and a background flush moves them to the counters; what a failed flush could not add stays
/// for the next one.
/// </summary>
public sealed class IngestRefusalTally
{
    private readonly ConcurrentDictionary<(DateOnly Day, string Reason), long> _pending = new();

    public void Add(DateOnly day, IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Refusal is null && result.Answer.Errors.Count == 0)
        {
            return;
        }
        foreach (var (reason, count) in IngestRefusalReasons.Of(result))
        {
            _pending.AddOrUpdate((day, reason), count, (_, before) => before + count);
        }
    }

    public bool IsEmpty => _pending.IsEmpty;

    /// <summary>Adds everything pending to the counters; a count whose write fails is kept for the next flush.</summary>
    public async Task FlushAsync(IIngestRefusalCounters counters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counters);
        Exception? failure = null;
        foreach (var key in _pending.Keys)
        {
            if (!_pending.TryRemove(key, out var count))
            {
                continue;
            }
            try
            {
                await counters.AddAsync(key.Day, key.Reason, count, cancellationToken);
            }
            catch (Exception ex)
            {
                failure ??= ex;
                _pending.AddOrUpdate(key, count, (_, before) => before + count);
            }
        }
        if (failure is not null)
        {
            throw new IngestRefusalFlushException("adding refusal counts failed; they stay pending for the next flush", failure);
        }
    }
}

public sealed class IngestRefusalFlushException(string message, Exception inner) : Exception(message, inner);
