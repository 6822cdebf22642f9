using Funnel.Engine.Aggregation;
using Funnel.Events.Days;
using Funnel.Events.Privacy;
using Funnel.Metrics;

namespace Funnel.Engine.Erasure;

/// <summary>
/// Removes erased persons from what one shard stores, then looks again: raw slices are rewritten
/// without their events, every state snapshot without their state, and the partial of each rewritten
/// snapshot's day is computed again from it (with the day's event counts as they were). A snapshot
/// is written again after its day's raw slices were, so the scheduler does not take the rewrite for late data.
/// </summary>
public sealed class PersonEraser(DayRun run, IAggregationStore aggregation, IErasureStore store)
{
    /// <summary>The same eraser computing figures with other definitions (those in force).</summary>
    public PersonEraser With(DayRun other) => ReferenceEquals(other, run) ? this : new PersonEraser(other, aggregation, store);

    /// <summary>Erases the persons from the shard; the result counts what was removed and what a second look still found.</summary>
    public Task<ErasureTally> EraseShardAsync(int shard, ErasedPersons erased, CancellationToken cancellationToken) =>
        EraseThenLookAgainAsync(rewrite => ScanShardAsync(shard, erased, rewrite, cancellationToken), $"shard {shard}");

    /// <summary>Erases the persons from the reports container's other files (audience lists), then looks again.</summary>
    public Task<ErasureTally> ErasePersonFilesAsync(ErasedPersons erased, CancellationToken cancellationToken) =>
        EraseThenLookAgainAsync(rewrite => ScanPersonFilesAsync(erased, rewrite, cancellationToken), "the reports container");

    /// <summary>A rewriting pass, then a reading one: what the second still finds was written meanwhile and keeps the request pending.</summary>
    private static async Task<ErasureTally> EraseThenLookAgainAsync(Func<bool, Task<Dictionary<string, ErasureCounts>>> scan, string where)
    {
        var removed = await scan(true);
        var remaining = await scan(false);
        return new ErasureTally(removed, remaining.ToDictionary(r => r.Key, r => Describe(r.Value, where), StringComparer.Ordinal));
    }

    private async Task<Dictionary<string, ErasureCounts>> ScanShardAsync(int shard, ErasedPersons erased, bool rewrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(erased);
        var counts = new Dictionary<string, ErasureCounts>(StringComparer.Ordinal);
        var rewrittenDays = new HashSet<DateOnly>();
        await foreach (var name in store.RawSlicesAsync(shard, cancellationToken))
        {
            if (await store.ReadRawAsync(name, cancellationToken) is not { } content)
            {
                continue;
            }
            var erasure = RawSliceEraser.Erase(content.Content, erased);
            if (erasure.Rewritten is null)
            {
                continue;
            }
            if (rewrite)
            {
                await store.ReplaceRawAsync(name, content, erasure.Rewritten, cancellationToken);
                rewrittenDays.Add(name.Day);
            }
            foreach (var (request, events) in erasure.RemovedByRequest)
            {
                Add(counts, request, new ErasureCounts(RawEvents: events, RawBlobs: 1));
            }
        }
        foreach (var day in await store.StateDaysAsync(shard, cancellationToken))
        {
            if (await aggregation.ReadStateAsync(shard, day, cancellationToken) is not { } bytes)
            {
                continue;
            }
            ShardState state;
            using (var input = new MemoryStream(bytes))
            {
                state = run.ReadSnapshot(input, $"state of shard {shard} on {ReportingDay.Format(day)}");
            }
            var links = state.LinkedDevices.ToList();
            var gone = state.RemovePersons(key => erased.Contains(key));
            // A device's link names the user even after the device's state joined the user's shard.
            var goneLinks = links.Where(l => !state.LinkedDevices.ContainsKey(l.Key)).ToList();
            var requests = gone.Concat(goneLinks.SelectMany(l => new[] { l.Key, l.Value }))
                .SelectMany(key => erased.RequestsOf(key)).Distinct(StringComparer.Ordinal).ToList();
            if (rewrite && (gone.Count > 0 || goneLinks.Count > 0 || rewrittenDays.Contains(day)))
            {
                var partial = gone.Count > 0 && await RecomputedPartialAsync(state, shard, day, cancellationToken) is { } figures ? figures : null;
                using var snapshot = new MemoryStream();
                run.WriteSnapshot(state, snapshot);
                var provisional = !await aggregation.HasFinalStateAsync(shard, day, cancellationToken);
                await aggregation.WriteStateAsync(shard, day, snapshot.ToArray(), provisional, cancellationToken);
                if (partial is not null)
                {
                    await aggregation.WritePartialAsync(day, shard, partial, cancellationToken);
                }
                foreach (var request in requests)
                {
                    Add(counts, request, new ErasureCounts(Snapshots: 1, Partials: partial is null ? 0 : 1));
                }
            }
            else
            {
                foreach (var request in requests)
                {
                    Add(counts, request, new ErasureCounts(Snapshots: 1));
                }
            }
        }
        return counts;
    }

    /// <summary>The day's partial from the cleaned state, keeping the day's event counts; null when the day has no partial.</summary>
    private async Task<byte[]?> RecomputedPartialAsync(ShardState state, int shard, DateOnly day, CancellationToken cancellationToken)
    {
        ReportFigures old;
        try
        {
            using var input = new MemoryStream(await aggregation.ReadPartialAsync(day, shard, cancellationToken));
            old = ReportFiguresCodec.Read(input, $"partial of shard {shard} on {ReportingDay.Format(day)}");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var figures = ShardFigures.Compute(state, run.Fold, day, old.Events);
        // Data quality describes the day's events as they were processed, like the event counts: kept, not recomputed from state.
        figures.DataQuality = old.DataQuality;
        using var output = new MemoryStream();
        ReportFiguresCodec.Write(figures, output);
        return output.ToArray();
    }

    private async Task<Dictionary<string, ErasureCounts>> ScanPersonFilesAsync(ErasedPersons erased, bool rewrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(erased);
        var counts = new Dictionary<string, ErasureCounts>(StringComparer.Ordinal);
        await foreach (var name in store.PersonFilesAsync(cancellationToken))
        {
            if (await store.ReadPersonFileAsync(name, cancellationToken) is not { } content)
            {
                continue;
            }
            var erasure = PersonFileEraser.Erase(content.Content, erased);
            if (erasure.Rewritten is null)
            {
                continue;
            }
            if (rewrite)
            {
                await store.ReplacePersonFileAsync(name, content, erasure.Rewritten, cancellationToken);
            }
            foreach (var request in erasure.RemovedByRequest.Keys)
            {
                Add(counts, request, new ErasureCounts(AudienceFiles: 1));
            }
        }
        return counts;
    }

    private static void Add(Dictionary<string, ErasureCounts> counts, string request, ErasureCounts more) =>
        counts[request] = counts.GetValueOrDefault(request, ErasureCounts.Zero) + more;

    private static string Describe(ErasureCounts found, string where) =>
        $"{where} still mentions the person: {found.RawEvents} raw events in {found.RawBlobs} slices, {found.Snapshots} snapshots, {found.AudienceFiles} files";
}

/// <summary>
/// One erasure pass over part of the storage: per request, what was removed and, where a second look
/// still found the person (written meanwhile), what is left.
/// </summary>
public sealed record ErasureTally(IReadOnlyDictionary<string, ErasureCounts> Removed, IReadOnlyDictionary<string, string> Remaining);
