using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Events.Privacy;
using Funnel.Metrics;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>
/// The daily pass folds and counts only hot persons and adds the cold segment's totals: every report must be byte-identical
/// to a full pass over every person (kept as the reference here), also when cold persons come back through late events,
/// are erased, or are linked to a user.
/// </summary>
public class HotAndColdTests
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;

    [Theory]
    [MemberData(nameof(EngineHarness.OracleRuns), MemberType = typeof(EngineHarness))]
    public void Every_report_of_the_oracle_runs_is_byte_identical_to_a_full_pass_over_every_person(string zone, int seed, int days, int signupsPerDay)
    {
        var data = EngineHarness.WithDefects(EngineHarness.DataSet(seed, days, signupsPerDay, zone));
        var clock = new FixedClock(EngineHarness.GeneratedAt);
        var hotAndCold = new DailyAggregation(EngineHarness.Definitions, zone, 4, clock);
        var full = new DailyAggregation(EngineHarness.Definitions, zone, 4, clock, fullPass: true);
        var erasures = new List<ErasureRequest>();
        var probes = new ProbeTally();
        var differences = new List<string>();
        var touched = new List<(int Hot, int All)>();
        foreach (var (day, generated) in data)
        {
            var events = new List<ProductEvent>(generated);
            // Every fifth day from day 45 on, some cold persons come back, are linked or are erased.
            if (day.DayNumber - data.Keys.First().DayNumber is var n && n >= 45 && n % 5 == 0)
            {
                Probe(hotAndCold, day, zone, events, erasures, probes);
            }
            var erased = new ErasedPersons(erasures);
            hotAndCold.Erased = erased;
            full.Erased = erased;
            var expected = EngineHarness.Json(full.FoldDay(day, events));
            var actual = EngineHarness.Json(hotAndCold.FoldDay(day, events));
            if (expected != actual)
            {
                differences.Add($"{day:yyyy-MM-dd}: {string.Join("; ", JsonComparison.Differences(System.Text.Json.Nodes.JsonNode.Parse(expected)!, System.Text.Json.Nodes.JsonNode.Parse(actual)!).Take(5))}");
            }
            if (Audiences(full.LastAudiences) != Audiences(hotAndCold.LastAudiences))
            {
                differences.Add($"{day:yyyy-MM-dd}: audiences differ");
            }
            Assert.Equal(full.Shards.Sum(s => s.Persons.Count), hotAndCold.Shards.Sum(s => s.PersonCount));
            touched.Add((hotAndCold.Shards.Sum(s => s.Persons.Count), hotAndCold.Shards.Sum(s => s.PersonCount)));
        }
        Assert.Empty(differences);
        // The probes did what they are for: cold persons woken by late events, erased while cold, linked while cold.
        Assert.True(probes.WokenByLateEvents > 0 && probes.ErasedWhileCold > 0 && probes.DevicesLinkedWhileCold > 0 && probes.UsersLinkedWhileCold > 0, probes.ToString());
        // By the end a good part of the state is cold: the daily pass no longer walks every person.
        Assert.True(touched[^1].Hot < touched[^1].All * 0.8, $"hot {touched[^1].Hot} of {touched[^1].All}");
    }

    [Fact]
    public void The_daily_pass_touches_the_persons_with_events_and_the_persons_due_not_the_whole_state()
    {
        const string zone = "Asia/Shanghai";
        var data = EngineHarness.WithDefects(EngineHarness.DataSet(seed: 21, days: 90, signupsPerDay: 20, zone));
        var clock = new FixedClock(EngineHarness.GeneratedAt);
        var hotAndCold = new DailyAggregation(EngineHarness.Definitions, zone, 2, clock);
        var full = new DailyAggregation(EngineHarness.Definitions, zone, 2, clock, fullPass: true);
        var checkedDays = 0;
        foreach (var (day, events) in data)
        {
            full.FoldDay(day, events);
            hotAndCold.FoldDay(day, events);
            if (day.DayNumber - data.Keys.First().DayNumber < 60)
            {
                continue;
            }
            // Worked out here from the reference state's facts: a person is due while any window still reads them.
            var d = day.DayNumber;
            var withEventsToday = full.Shards.SelectMany(s => s.Persons).Where(p => p.Value.RecentIds.Any(id => id.Day == d)).Select(p => p.Key);
            var due = full.Shards.SelectMany(s => s.Persons).Where(p =>
                p.Value.ActiveDays[^1] > d - 40
                || p.Value.Purchases.Any(x => full.Fold.DayOf(x.At) > d - 90)
                || p.Value.RecentIds.Count > 0 || p.Value.RecentInstants.Count > 0 || p.Value.IntentInstants.Count > 0 || p.Value.SurveyAnswers.Count > 0 || p.Value.FeatureDays.Count > 0 || p.Value.SessionInstants.Count > 0 || p.Value.Touches.Count > 0).Select(p => p.Key);
            var expected = withEventsToday.Union(due).Order(StringComparer.Ordinal).ToList();
            var touchedToday = hotAndCold.Shards.SelectMany(s => s.Persons.Keys).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, touchedToday);
            Assert.True(touchedToday.Count < full.Shards.Sum(s => s.Persons.Count) * 0.8, $"day {day}: {touchedToday.Count} touched of {full.Shards.Sum(s => s.Persons.Count)}");
            checkedDays++;
        }
        Assert.True(checkedDays >= 30);
    }

    [Fact]
    public void A_cold_segment_survives_the_snapshot_and_a_reader_that_needs_a_few_persons_gets_them_cold()
    {
        const string zone = "UTC";
        var data = EngineHarness.DataSet(seed: 5, days: 70, signupsPerDay: 10, zone);
        var engine = new DailyAggregation(EngineHarness.Definitions, zone, 1, new FixedClock(EngineHarness.GeneratedAt));
        foreach (var (day, events) in data)
        {
            engine.FoldDay(day, events);
        }
        var run = new DayRun(EngineHarness.Definitions, zone);
        var state = engine.Shards[0];
        Assert.True(state.Cold.Count > 0);
        using var bytes = new MemoryStream();
        run.WriteSnapshot(state, bytes);
        var reread = run.ReadSnapshot(new MemoryStream(bytes.ToArray()), "test");
        Assert.Equal(state.Cold.Persons.Keys.Order(StringComparer.Ordinal), reread.Cold.Persons.Keys.Order(StringComparer.Ordinal));
        var last = DateOnly.FromDayNumber(data.Keys.Last().DayNumber);
        string Report(ShardState s) => EngineHarness.Json(run.Assemble(last, [ShardFigures.Compute(s, run.Fold, last, FoldCounts.Zero)], data.Keys.First(), EngineHarness.GeneratedAt));
        Assert.Equal(Report(state), Report(reread));
        var one = state.Cold.Persons.Keys.Order(StringComparer.Ordinal).First();
        var few = run.ReadSnapshot(new MemoryStream(bytes.ToArray()), "test", key => key == one);
        Assert.Equal([one], few.Cold.Persons.Keys);
        Assert.Empty(few.Persons);
        Assert.Equal(Figures(state.Cold.Parse(state.Cold.Persons[one])), Figures(few.Find(one)!));
    }

    [Fact]
    public void An_erasure_round_on_a_stored_snapshot_takes_a_cold_person_out_of_the_totals_as_a_full_pass_would()
    {
        const string zone = "UTC";
        var data = EngineHarness.DataSet(seed: 8, days: 75, signupsPerDay: 12, zone);
        var clock = new FixedClock(EngineHarness.GeneratedAt);
        var hotAndCold = new DailyAggregation(EngineHarness.Definitions, zone, 1, clock);
        var full = new DailyAggregation(EngineHarness.Definitions, zone, 1, clock, fullPass: true);
        foreach (var (day, events) in data)
        {
            hotAndCold.FoldDay(day, events);
            full.FoldDay(day, events);
        }
        var run = new DayRun(EngineHarness.Definitions, zone);
        // As the erasure round does: the stored snapshot read back, the persons removed, the day's figures computed again.
        ShardState Reread(DailyAggregation engine)
        {
            using var bytes = new MemoryStream();
            engine.WriteSnapshot(0, bytes);
            return run.ReadSnapshot(new MemoryStream(bytes.ToArray()), "test");
        }
        var cold = Reread(hotAndCold);
        var reference = Reread(full);
        // A churned user (in the win-back audience) and a payer, both cold.
        var churned = cold.Cold.Persons.Where(p => p.Value.Contribution.Stage == LifecycleMetric.Churned).Select(p => p.Key).Order(StringComparer.Ordinal).First();
        var payer = cold.Cold.Persons.Where(p => p.Value.Contribution.Purchases > 0).Select(p => p.Key).Order(StringComparer.Ordinal).FirstOrDefault() ?? churned;
        Func<string, bool> erased = key => key == churned || key == payer;
        Assert.Equal(reference.RemovePersons(erased).Order(StringComparer.Ordinal), cold.RemovePersons(erased).Order(StringComparer.Ordinal));
        Assert.False(cold.Cold.Contains(churned) || cold.Cold.Contains(payer));
        var last = data.Keys.Last();
        string Report(ShardState s) => EngineHarness.Json(run.Assemble(last, [ShardFigures.Compute(s, run.Fold, last, FoldCounts.Zero)], data.Keys.First(), EngineHarness.GeneratedAt));
        Assert.Equal(Report(reference), Report(cold));
        Assert.DoesNotContain(churned, Figures(ShardFigures.Compute(cold, run.Fold, last, FoldCounts.Zero).Audiences), StringComparison.Ordinal);
    }

    private static string Figures(object value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static string Audiences(AudienceFigures audiences) => string.Join("\n",
        new[] { ("h", audiences.HighIntent), ("w", audiences.ChurnWarning), ("b", audiences.WinBack) }
            .SelectMany(list => list.Item2.Select(m => $"{list.Item1} {m.Person} {m.Fact}")).Order(StringComparer.Ordinal));

    /// <summary>Picks cold persons from the hot and cold engine's state and adds, to the day's events, what makes them come back or leave.</summary>
    private static void Probe(DailyAggregation engine, DateOnly day, string zone, List<ProductEvent> events, List<ErasureRequest> erasures, ProbeTally tally)
    {
        var cold = engine.Shards.SelectMany(s => s.Cold.Persons.Keys).Order(StringComparer.Ordinal).ToList();
        var devices = cold.Where(k => k.StartsWith("anon-", StringComparison.Ordinal) && !engine.Shards.Any(s => s.LinkedDevices.ContainsKey(k))).ToList();
        var users = cold.Where(k => k.StartsWith("user-", StringComparison.Ordinal)).ToList();
        var noon = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(day.ToDateTime(new TimeOnly(12, 0)))).ToUnixTimeMilliseconds();
        var lateAt = noon - 3 * 86_400_000L;
        tally.MostColdUsers = Math.Max(tally.MostColdUsers, users.Count);
        tally.MostColdDevices = Math.Max(tally.MostColdDevices, devices.Count);
        // Cold users are few (a person goes quiet 40 days only in a long dormancy): each probe takes what the day has.
        if (users.Count >= 1)
        {
            // A late event (it happened three days ago) wakes a cold user.
            events.Add(new ProductEvent($"probe-late-{users[0]}-{day}", users[0], EventType.Track, "Product Viewed", lateAt, noon, null, null, null, null, null, null));
            tally.WokenByLateEvents++;
        }
        if (users.Count >= 2)
        {
            // A new device is linked to a cold user.
            events.Add(new ProductEvent($"probe-new-device-{users[1]}-{day}", users[1], EventType.Track, "Product Viewed", noon, noon, null, null, null, null, null, null, LinkedDevice: $"probe-device-{day}"));
            tally.UsersLinkedWhileCold++;
        }
        if (users.Count >= 3)
        {
            erasures.Add(new ErasureRequest($"probe-user-{day}", "userId", [PersonDigest.Of(users[2])], [0], Epoch, ErasureStatus.Pending, ErasureCounts.Zero));
            tally.ErasedWhileCold++;
        }
        if (devices.Count >= 3)
        {
            // A late event wakes a cold device; a cold device is linked to a hot user, another to a cold user; a cold device is erased.
            events.Add(new ProductEvent($"probe-late-{devices[0]}-{day}", devices[0], EventType.Page, "Home", lateAt, noon, null, null, null, null, null, null, AnonymousOnly: true));
            var hotUser = engine.Shards.SelectMany(s => s.Persons.Keys).Where(k => k.StartsWith("user-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).First();
            events.Add(new ProductEvent($"probe-link-{devices[1]}-{day}", hotUser, EventType.Identify, null, noon, noon, null, null, null, null, null, null, LinkedDevice: devices[1]));
            if (users.Count >= 1)
            {
                // users[0] was cold when the day began (its late event is folded the same day).
                events.Add(new ProductEvent($"probe-link-{devices[2]}-{day}", users[0], EventType.Identify, null, noon, noon, null, null, null, null, null, null, LinkedDevice: devices[2]));
                tally.UsersLinkedWhileCold++;
            }
            erasures.Add(new ErasureRequest($"probe-device-{day}", "anonymousId", [PersonDigest.Of(devices[^1])], [0], Epoch, ErasureStatus.Pending, ErasureCounts.Zero));
            tally.WokenByLateEvents++;
            tally.DevicesLinkedWhileCold++;
            tally.ErasedWhileCold++;
        }
    }

    private sealed class ProbeTally
    {
        public int WokenByLateEvents { get; set; }

        public int ErasedWhileCold { get; set; }

        public int DevicesLinkedWhileCold { get; set; }

        public int UsersLinkedWhileCold { get; set; }

        /// <summary>The most cold users and unlinked cold devices a probe day found: what the probes had to pick from.</summary>
        public int MostColdUsers { get; set; }

        public int MostColdDevices { get; set; }

        public override string ToString() => $"woken {WokenByLateEvents}, erased {ErasedWhileCold}, devices linked {DevicesLinkedWhileCold}, users linked {UsersLinkedWhileCold}; at most {MostColdUsers} cold users and {MostColdDevices} cold devices on a probe day";
    }
}
