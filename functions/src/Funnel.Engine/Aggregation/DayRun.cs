using Funnel.Engine.Identity;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// One reporting day's run, in the steps the daily orchestration fans out and in. Per shard, <see cref="LinkShard"/>
/// reads the shard's raw events once, links its devices to users (<see cref="DeviceLinking"/>) and hands every event
/// to the shard of the person it counts for, with the state of each newly linked device; then per shard,
/// <see cref="ReceiveShard"/> takes in what it was handed: <c>state(day) = fold(state(day-1) + joining devices, events)</c>
/// and the shard's partial figures; then <see cref="Publish"/> makes the report from every shard's partial.
/// <c>funnel aggregate</c>, the tests and the functions all use it.
/// </summary>
public sealed class DayRun
{
    public DayRun(MetricDefinitions definitions, string timeZone)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        definitions.Validate();
        Fold = new EventFold(definitions, new ReportingClock(timeZone));
        TimeZone = timeZone;
    }

    public EventFold Fold { get; }

    public string TimeZone { get; }

    public MetricDefinitions Definitions => Fold.Definitions;

    /// <summary>
    /// The link step of one shard's day: links the shard's devices first seen with a user today, and hands each of the
    /// day's <paramref name="events"/> (the shard's raw events, read once) to the shard of the person it counts for, and each
    /// newly linked device's state to its user's shard. <paramref name="previous"/> (the shard's state of the day before) is
    /// only read. Links of erased persons are refused.
    /// </summary>
    public static LinkedShard LinkShard(ShardState previous, int shard, ShardRouter router, IEnumerable<ProductEvent> events, long malformed, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(erased);
        var dayEvents = events as IReadOnlyCollection<ProductEvent> ?? [.. events];
        var refused = new List<IdentityLink>();
        var foreign = 0;
        // A device stored in another shard can only come from raw written before devices were stored in their own shard: its link is not this shard's to make.
        var links = DeviceLinking.NewLinks(dayEvents, previous.LinkedDevices, link =>
        {
            if (router.ShardOf(link.AnonymousId) != shard)
            {
                foreign++;
                return false;
            }
            if (erased.Contains(link.UserId) || erased.Contains(link.AnonymousId))
            {
                refused.Add(link);
                return false;
            }
            return true;
        });
        var handOvers = new ShardHandOver?[router.ShardCount];
        ShardHandOver To(int target) => handOvers[target] ??= new ShardHandOver();
        var own = To(shard);
        own.Malformed = malformed;
        var linked = links.Count == 0 ? previous.LinkedDevices : new Dictionary<string, string>(previous.LinkedDevices, StringComparer.Ordinal);
        foreach (var link in links)
        {
            linked[link.AnonymousId] = link.UserId;
            own.NewLinks[link.AnonymousId] = link.UserId;
            if (previous.Find(link.AnonymousId) is { } device)
            {
                own.DepartedDevices.Add(link.AnonymousId);
                To(router.ShardOf(link.UserId)).JoiningDevices.Add(new JoiningDevice(link.UserId, link.AnonymousId, device));
            }
        }
        foreach (var e in dayEvents)
        {
            var person = DeviceLinking.PersonOf(e, linked);
            // A linked device's event keeps its device id, so an erasure of the device that arrives before the fold still finds it.
            To(router.ShardOf(person)).Events.Add(ReferenceEquals(person, e.PersonKey) ? e : e with { PersonKey = person, LinkedDevice = e.PersonKey });
        }
        return new LinkedShard(handOvers, links, refused, foreign);
    }

    /// <summary>
    /// The fold step of one shard's day: takes in what every shard's link step handed it (devices that left, links made,
    /// device states joining their users, the events of its persons) into <paramref name="state"/> (the previous day's,
    /// changed in place), leaves erased persons out, folds, and returns the shard's partial figures.
    /// </summary>
    public ReportFigures ReceiveShard(ShardState state, DateOnly day, IEnumerable<ShardHandOver> handOvers, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(handOvers);
        ArgumentNullException.ThrowIfNull(erased);
        var received = handOvers as IReadOnlyCollection<ShardHandOver> ?? [.. handOvers];
        var events = new List<ProductEvent>(received.Sum(h => h.Events.Count));
        long malformed = 0;
        foreach (var handOver in received)
        {
            foreach (var device in handOver.DepartedDevices)
            {
                state.Remove(device);
            }
            foreach (var (device, user) in handOver.NewLinks)
            {
                state.LinkedDevices[device] = user;
            }
            events.AddRange(handOver.Events);
            malformed += handOver.Malformed;
        }
        foreach (var joining in received.SelectMany(h => h.JoiningDevices).Where(j => !erased.Contains(j.Device)))
        {
            if (state.Wake(joining.User) is not { } person)
            {
                state.Persons[joining.User] = person = new PersonState(Fold.Slots.Count);
            }
            MetricFamilies.Merge(person, joining.State, Fold.Slots);
        }
        events = FoldErasure.Apply(erased, state, events);
        return FoldShard(state, day, events, malformed);
    }

    /// <summary>
    /// Folds one shard's events of <paramref name="day"/> into <paramref name="state"/> (the previous day's, changed in place) and
    /// returns the shard's partial figures. Cold persons named by the events come back first; afterwards the persons who left
    /// every window go cold (unless <see cref="FullPass"/>).
    /// </summary>
    public ReportFigures FoldShard(ShardState state, DateOnly day, IEnumerable<ProductEvent> events, long malformed = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        var dayEvents = events as IReadOnlyCollection<ProductEvent> ?? [.. events];
        if (state.Cold.Count > 0)
        {
            foreach (var e in dayEvents)
            {
                state.Wake(e.PersonKey);
            }
        }
        var quality = new DataQualityFigures();
        var counts = Fold.FoldDay(state, day, dayEvents, malformed, quality);
        if (!FullPass)
        {
            ColdPass.Cool(state, day.DayNumber, Fold);
        }
        var figures = ShardFigures.Compute(state, Fold, day, counts);
        figures.DataQuality = quality;
        return figures;
    }

    /// <summary>Keeps every person hot: the reference the hot and cold pass is checked against.</summary>
    public bool FullPass { get; init; }

    /// <summary>Merges the partials of every shard (in shard order) into the day's report.</summary>
    public DailyReport Assemble(DateOnly day, IEnumerable<ReportFigures> partials, DateOnly firstRawDay, DateTimeOffset generatedAt, DateTimeOffset? provisionalThrough = null) =>
        Publish(day, partials, firstRawDay, generatedAt, provisionalThrough).Report;

    /// <summary>Merges the partials of every shard into the day's report and the audiences that go beside it.</summary>
    public PublishedDay Publish(DateOnly day, IEnumerable<ReportFigures> partials, DateOnly firstRawDay, DateTimeOffset generatedAt,
        DateTimeOffset? provisionalThrough = null, IReadOnlyList<RejectedAtIngest>? rejectedAtIngest = null, DateTimeOffset? asOf = null,
        IEnumerable<SpendRow>? spend = null)
    {
        var merged = ReportFigures.Merge(partials);
        var context = new ReportContext(day, TimeZone, firstRawDay, generatedAt, Definitions)
        {
            ProvisionalThrough = provisionalThrough,
            RejectedAtIngest = rejectedAtIngest ?? [],
            AsOf = asOf,
            Spend = SpendCsv.ByChannel(spend ?? [], day.AddDays(1 - MoneyMetric.AcquisitionDays), day),
            CampaignSpend = SpendCsv.ByCampaign(spend ?? [], day.AddDays(1 - CampaignMetric.WindowDays), day),
        };
        var report = ReportAssembler.Assemble(merged, context);
        return new PublishedDay(report, merged.Audiences);
    }

    /// <summary>Reads a shard's snapshot; <paramref name="keepPerson"/> limits the persons read (the link step needs only devices it may link).</summary>
    public ShardState ReadSnapshot(Stream input, string source, Func<string, bool>? keepPerson = null) => StateSnapshot.Read(input, Fold.Slots.Count, source, keepPerson);

    public void WriteSnapshot(ShardState state, Stream output) => StateSnapshot.Write(state, Fold.Slots.Count, output);
}

/// <summary>
/// What one shard's link step produced: a hand-over per receiving shard (null where it hands nothing), the links it made,
/// those it refused for erased persons, and how many devices it could not link because their calls are stored in
/// another shard than the device's (raw written before events naming a device were stored in the device's shard).
/// </summary>
public sealed record LinkedShard(IReadOnlyList<ShardHandOver?> HandOvers, IReadOnlyList<IdentityLink> Links, IReadOnlyList<IdentityLink> RefusedLinks, int ForeignDevices = 0);

/// <summary>A day's report and its audiences, from the same merged figures.</summary>
public sealed record PublishedDay(DailyReport Report, AudienceFigures Audiences);
