using Funnel.Engine.Identity;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Events.Privacy;
using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// The daily run's shard steps over storage, in order: <see cref="LinkShardsAsync"/> on every shard, then
/// <see cref="FoldShardsAsync"/> on every shard (then the report from the partials). Each shard's raw events are read
/// once, by its link step; a shard's fold reads only its own inbox. The Durable activities are thin calls into it.
/// Every write overwrites by name, so a retry writes the same bytes.
/// </summary>
public sealed class DailyPipeline(DayRun run, IAggregationStore store, ErasedPersonsCache erasedPersons, IIdentityLinks linkTable, ErasureIntake erasures)
{
    /// <summary>The same steps with other definitions (those a run started with).</summary>
    public DailyPipeline With(DayRun other) => ReferenceEquals(other, run) ? this : new DailyPipeline(other, store, erasedPersons, linkTable, erasures);

    /// <summary>
    /// Links each shard's devices and hands the day's events and joining devices to the shards that fold them, one shard
    /// after the other; the erasure log is read once before and once after, whatever the number of shards.
    /// </summary>
    public async Task<IReadOnlyList<LinkOutcome>> LinkShardsAsync(IReadOnlyList<ShardDay> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var erased = await erasedPersons.ReadAsync(cancellationToken);
        var outcomes = new List<LinkOutcome>(steps.Count);
        var links = new List<IdentityLink>();
        foreach (var step in steps)
        {
            var (outcome, made) = await LinkShardAsync(step, erased, cancellationToken);
            outcomes.Add(outcome);
            links.AddRange(made);
        }
        await RecordLinksAsync(links, erased, cancellationToken);
        return outcomes;
    }

    /// <summary>
    /// Writes the day's links to the links table, which serves erasure (a user's devices; the run itself keeps links in
    /// each shard's state). A request accepted since <paramref name="erased"/> was read did not find these links: its
    /// user's devices join it, so the erasure round forgets their rows too (the fold leaves their events out either way).
    /// </summary>
    private async Task RecordLinksAsync(IReadOnlyCollection<IdentityLink> links, ErasedPersons erased, CancellationToken cancellationToken)
    {
        await linkTable.AddAsync(links, cancellationToken);
        if (await erasedPersons.ReadAsync(cancellationToken) is var now && now.RequestCount != erased.RequestCount)
        {
            await TakeIntoErasuresAsync(links, now, cancellationToken);
        }
    }

    /// <summary>
    /// The link step of one shard: reads its events, links its devices against <paramref name="previousOf"/> (the state of
    /// the day before, read for the devices the events name), and takes refused links of erased users into their erasures.
    /// </summary>
    private async Task<(LinkedShard Linked, int EventsRead, List<MalformedLine> Malformed)> LinkAsync(ShardDay step, ErasedPersons erased,
        Func<IReadOnlyList<ProductEvent>, Task<ShardState>> previousOf, CancellationToken cancellationToken)
    {
        var (events, malformed, rawSlices) = await ReadEventsAsync(step, cancellationToken);
        var linked = DayRun.LinkShard(await previousOf(events), step.Shard, new ShardRouter(step.Shards), events, malformed.Count, erased);
        linked.HandOvers[step.Shard]!.RawSlices = rawSlices;
        await TakeIntoErasuresAsync(linked.RefusedLinks, erased, cancellationToken);
        return (linked, events.Count, malformed);
    }

    /// <summary>How many events a shard's link step handed to other shards.</summary>
    private static long HandedOn(LinkedShard linked, int shard) =>
        linked.HandOvers.Select((handOver, target) => target == shard ? 0 : handOver?.Events.Count ?? 0).Sum();

    /// <summary>The events the shard's run of the day folds (its raw folder, and under history imports the folders read ahead), read once.</summary>
    private async Task<(List<ProductEvent> Events, List<MalformedLine> Malformed, int RawSlices)> ReadEventsAsync(ShardDay step, CancellationToken cancellationToken)
    {
        var malformed = new List<MalformedLine>();
        var events = new List<ProductEvent>();
        var slices = await store.ReadRawAsync(step.Day, step.Shard, cancellationToken);
        var imports = step.Imports ?? HistoryImports.None;
        var folders = new List<(DateOnly Folder, IReadOnlyList<RawSlice> Slices)> { (step.Day, slices) };
        foreach (var later in step.ReadAhead ?? [])
        {
            folders.Add((later, await store.ReadRawAsync(later, step.Shard, cancellationToken)));
        }
        var kept = run.Definitions.KeptProperties;
        foreach (var (folder, folderSlices) in folders)
        {
            foreach (var slice in folderSlices)
            {
                using var input = new MemoryStream(slice.GzipNdjson);
                var read = ProductEventReader.Read(input, slice.Name, gzip: true, malformed, kept);
                // Under a history import an event counts on the day it happened: this run keeps only the events that fold today.
                events.AddRange(imports.IsEmpty ? read
                    : read.Where(e => imports.FoldDayOf(DateOnly.FromDayNumber(run.Fold.DayOf(e.Timestamp)), folder, slice.Written) == step.Day));
            }
        }
        return (events, malformed, slices.Count);
    }

    private async Task<(LinkOutcome Outcome, IReadOnlyList<IdentityLink> Links)> LinkShardAsync(ShardDay step, ErasedPersons erased, CancellationToken cancellationToken)
    {
        // The fold reads the whole state; the link step needs only the devices today's calls may link.
        var (linked, eventsRead, malformed) = await LinkAsync(step, erased,
            events => PreviousStateAsync(step, cancellationToken, DeviceLinking.DevicesNamedWithAUser(events).Contains), cancellationToken);
        // Each attempt writes under its own name: the folds read the attempt that succeeded, never a failed one's leftovers.
        var attempt = Guid.NewGuid().ToString("N")[..12];
        for (var target = 0; target < linked.HandOvers.Count; target++)
        {
            if (linked.HandOvers[target] is { } handOver)
            {
                await store.WriteHandOverAsync(new HandOverName(step.Day, step.Run, step.Shard, target, attempt), ShardHandOverCodec.Write(handOver, run.Fold.Slots.Count), cancellationToken);
            }
        }
        return (new LinkOutcome(attempt, eventsRead, linked.Links.Count, HandedOn(linked, step.Shard), malformed, linked.ForeignDevices), linked.Links);
    }

    /// <summary>
    /// Both steps of the day on every shard in one go, for a day small enough for one activity: each shard's raw and
    /// previous state are read once, every shard is linked, then every shard folds what the others handed it, kept in
    /// memory (no hand-over blobs). The same steps and the same results as <see cref="LinkShardsAsync"/> then
    /// <see cref="FoldShardsAsync"/>; the erasure log is read once before and once after.
    /// </summary>
    public async Task<IReadOnlyList<(LinkOutcome Link, FoldCounts Fold)>> LinkAndFoldAsync(IReadOnlyList<ShardDay> steps, bool provisional, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0 || steps.Count != steps[0].Shards || steps.Select((step, i) => step.Shard != i).Any(wrong => wrong))
        {
            throw new ArgumentException("every shard of the day, in shard order, or what one shard hands another is lost", nameof(steps));
        }
        var erased = await erasedPersons.ReadAsync(cancellationToken);
        var states = new ShardState[steps.Count];
        var linked = new LinkedShard[steps.Count];
        var outcomes = new LinkOutcome[steps.Count];
        var links = new List<IdentityLink>();
        foreach (var step in steps)
        {
            // The fold needs the whole state anyway: read once, linked from (read only), folded into after every shard is linked.
            var (shard, eventsRead, malformed) = await LinkAsync(step, erased,
                async _ => states[step.Shard] = await PreviousStateAsync(step, cancellationToken), cancellationToken);
            linked[step.Shard] = shard;
            links.AddRange(shard.Links);
            outcomes[step.Shard] = new LinkOutcome("in-memory", eventsRead, shard.Links.Count, HandedOn(shard, step.Shard), malformed, shard.ForeignDevices);
        }
        await RecordLinksAsync(links, erased, cancellationToken);
        var results = new List<(LinkOutcome, FoldCounts)>(steps.Count);
        foreach (var step in steps)
        {
            var handOvers = linked.Select(l => l.HandOvers[step.Shard]).OfType<ShardHandOver>().ToList();
            var figures = run.ReceiveShard(states[step.Shard], step.Day, handOvers, erased);
            await WriteShardAsync(step, states[step.Shard], figures, provisional, linked[step.Shard].HandOvers[step.Shard]!.RawSlices, cancellationToken);
            results.Add((outcomes[step.Shard], figures.Events));
        }
        FoldErasure.ThrowIfMoreErased(erased, await erasedPersons.ReadAsync(cancellationToken));
        return results;
    }

    /// <summary>
    /// For each shard, one after the other: takes in its inbox (from each sender the attempt in <paramref name="linkAttempts"/>,
    /// index = sending shard), folds the day into its state and writes the state and its partial figures. The erasure log
    /// is read once before and once after: a request accepted meanwhile fails the step, whose retry folds again without it.
    /// </summary>
    public async Task<IReadOnlyList<FoldCounts>> FoldShardsAsync(IReadOnlyList<ShardDay> steps, IReadOnlyList<string> linkAttempts, bool provisional, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(linkAttempts);
        var erased = await erasedPersons.ReadAsync(cancellationToken);
        var counts = new List<FoldCounts>(steps.Count);
        foreach (var step in steps)
        {
            counts.Add(await FoldShardAsync(step, linkAttempts, provisional, erased, cancellationToken));
        }
        FoldErasure.ThrowIfMoreErased(erased, await erasedPersons.ReadAsync(cancellationToken));
        return counts;
    }

    private async Task<FoldCounts> FoldShardAsync(ShardDay step, IReadOnlyList<string> linkAttempts, bool provisional, ErasedPersons erased, CancellationToken cancellationToken)
    {
        var state = await PreviousStateAsync(step, cancellationToken);
        var inbox = await store.ReadHandOversAsync(step.Day, step.Run, step.Shard, linkAttempts, cancellationToken);
        var handOvers = inbox.Select(f => ShardHandOverCodec.Read(f.Content, run.Fold.Slots.Count, f.Name)).ToList();
        var ownIndex = inbox.ToList().FindIndex(f => f.From == step.Shard);
        if (ownIndex < 0)
        {
            throw new InvalidOperationException($"shard {step.Shard} of {ReportingDay.Format(step.Day)} has not been linked in run {step.Run}: its link step must run before its fold");
        }
        var figures = run.ReceiveShard(state, step.Day, handOvers, erased);
        await WriteShardAsync(step, state, figures, provisional, handOvers[ownIndex].RawSlices, cancellationToken);
        return figures.Events;
    }

    /// <summary>Writes the shard's state of the day (with how many raw slices of the day it folded) and its partial figures.</summary>
    private async Task WriteShardAsync(ShardDay step, ShardState state, ReportFigures figures, bool provisional, int? rawSlices, CancellationToken cancellationToken)
    {
        using (var snapshot = new MemoryStream())
        {
            run.WriteSnapshot(state, snapshot);
            await store.WriteStateAsync(step.Shard, step.Day, snapshot.ToArray(), provisional, cancellationToken, rawSlices);
        }
        using (var partial = new MemoryStream())
        {
            ReportFiguresCodec.Write(figures, partial);
            await store.WritePartialAsync(step.Day, step.Shard, partial.ToArray(), cancellationToken);
        }
    }

    /// <summary>A device linked to a user whose erasure is pending joins that erasure.</summary>
    private async Task TakeIntoErasuresAsync(IEnumerable<IdentityLink> links, ErasedPersons erased, CancellationToken cancellationToken)
    {
        foreach (var link in links.Where(l => erased.Contains(l.UserId) && !erased.Contains(l.AnonymousId)))
        {
            foreach (var request in erased.RequestsOf(link.UserId))
            {
                await erasures.AddLinkedDeviceAsync(request, link.AnonymousId, cancellationToken);
            }
        }
    }

    /// <summary>The shard's state of the day before: empty on the first raw day, an error naming the missing day otherwise.</summary>
    private async Task<ShardState> PreviousStateAsync(ShardDay step, CancellationToken cancellationToken, Func<string, bool>? keepPerson = null)
    {
        if (step.Day <= step.FirstRawDay)
        {
            return new ShardState();
        }
        var previous = step.Day.AddDays(-1);
        var name = $"state/{ShardRouter.FolderName(step.Shard)}/{ReportingDay.Format(previous)}.bin";
        var bytes = await store.ReadStateAsync(step.Shard, previous, cancellationToken)
            ?? throw new InvalidOperationException($"{name} is missing: run {ReportingDay.Format(previous)} first");
        using var input = new MemoryStream(bytes);
        return run.ReadSnapshot(input, name, keepPerson);
    }
}

/// <summary>
/// One shard's step of one run of a day. <see cref="Run"/> names the run, so a step reads only hand-overs of its own run;
/// under history <see cref="Imports"/> the link step also reads the raw folders <see cref="ReadAhead"/> (received after the day).
/// </summary>
public sealed record ShardDay(DateOnly Day, int Shard, int Shards, DateOnly FirstRawDay, string Run, HistoryImports? Imports = null, IReadOnlyList<DateOnly>? ReadAhead = null);

/// <summary>What a shard's link step did: the attempt its hand-overs are named by, raw events read, links made, events handed to other shards, and the raw lines it could not read.</summary>
public sealed record LinkOutcome(string Attempt, long EventsRead, int LinksMade, long EventsHandedOn, IReadOnlyList<MalformedLine> Malformed, int ForeignDevices = 0);
