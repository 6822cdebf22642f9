using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Events.Privacy;
using Funnel.Metrics;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Identity;

/// <summary>One person per human, journey by journey (the worked examples of docs/report.md), through the engine's link and fold steps.</summary>
public class DeviceLinkingTests
{
    private static readonly DateOnly Day1 = new(2026, 9, 1);
    private const long HourMs = 3_600_000;
    private static readonly long Day1Noon = new DateTimeOffset(2026, 9, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static ProductEvent Event(string id, string person, string? name, long at, string? device = null, string? channel = null, EventType type = EventType.Track) =>
        new(id, person, type, name, at, at + 1_000, channel, "iOS", null, null, null, null, AnonymousOnly: device is null && person.StartsWith("anon", StringComparison.Ordinal), LinkedDevice: device);

    private static DailyAggregation Engine(int shards = 4) => new(MetricDefinitions.Default, "UTC", shards, TimeProvider.System);

    private static long Persons(DailyReport report) => report.Lifecycle.Stages.Potential + report.Lifecycle.Stages.New + report.Lifecycle.Stages.Growing
        + report.Lifecycle.Stages.Mature + report.Lifecycle.Stages.ChurnWarning + report.Lifecycle.Stages.Churned;

    [Fact]
    public void The_anonymous_landing_is_the_users_first_touch_from_the_day_the_link_is_visible()
    {
        var engine = Engine();
        var day1 = engine.FoldDay(Day1, [Event("m1", "anon-a", null, Day1Noon, channel: "douyin", type: EventType.Page)]);
        Assert.Equal(1, Persons(day1));
        var day2 = engine.FoldDay(Day1.AddDays(1), [
            Event("m2", "u1", null, Day1Noon + 24 * HourMs, device: "anon-a", type: EventType.Identify),
            Event("m3", "u1", "Signed Up", Day1Noon + 24 * HourMs + 1, device: "anon-a"),
        ]);
        Assert.Equal(1, Persons(day2));
        var cohort = Assert.Single(day2.Funnels[0].Cohorts);
        Assert.Equal(1, cohort.Steps[0].Count);
        Assert.Equal("douyin", Assert.Single(day2.Funnels[0].Breakdowns.Channel).Value);
        var user = engine.Shards.SelectMany(s => s.Persons).Single();
        Assert.Equal("u1", user.Key);
        // First seen on day 1, from the device's landing.
        Assert.Equal(Day1Noon, user.Value.FirstSeen);
    }

    [Fact]
    public void A_landing_delivered_after_the_link_counts_for_the_user_as_if_it_had_come_on_time()
    {
        var engine = Engine();
        engine.FoldDay(Day1, [Event("m2", "u1", "Signed Up", Day1Noon, device: "anon-a")]);
        var late = engine.FoldDay(Day1.AddDays(3), [Event("m1", "anon-a", null, Day1Noon - HourMs, channel: "douyin", type: EventType.Page)]);
        Assert.Equal(1, Persons(late));
        Assert.Equal("douyin", Assert.Single(late.Funnels[0].Breakdowns.Channel).Value);
        Assert.Equal(1, late.Events.Late);
    }

    [Fact]
    public void A_device_links_to_the_first_user_received_and_a_second_user_keeps_their_own_events()
    {
        var engine = Engine(shards: 1);
        engine.FoldDay(Day1, [
            Event("m1", "anon-a", null, Day1Noon, type: EventType.Page),
            Event("m3", "u2", "Signed Up", Day1Noon + 2_000, device: "anon-a"),
            Event("m2", "u1", "Signed Up", Day1Noon + 1_000, device: "anon-a"),
        ]);
        engine.FoldDay(Day1.AddDays(1), [Event("m4", "anon-a", null, Day1Noon + 24 * HourMs, type: EventType.Page)]);
        var shard = engine.Shards[0];
        Assert.Equal("u1", shard.LinkedDevices["anon-a"]);
        Assert.Equal(["u1", "u2"], shard.Persons.Keys.Order(StringComparer.Ordinal));
        // The device's page views (both days) are u1's; u2 has only their own signup.
        Assert.Equal(2, shard.Persons["u1"].ActiveDays.Count);
        Assert.Single(shard.Persons["u2"].ActiveDays);
    }

    [Fact]
    public void A_device_erased_between_the_link_and_the_fold_leaves_nothing_in_its_users_state()
    {
        var run = new DayRun(MetricDefinitions.Default, "UTC");
        var router = new ShardRouter(1);
        var previous = new ShardState();
        run.FoldShard(previous, Day1, [Event("m1", "anon-a", "Product Added", Day1Noon)]);
        var events = new List<ProductEvent>
        {
            Event("m2", "u1", "Signed Up", Day1Noon + 24 * HourMs, device: "anon-a"),
            Event("m3", "anon-a", "Checkout Started", Day1Noon + 24 * HourMs + 5),
        };
        var linked = DayRun.LinkShard(previous, 0, router, events, 0, ErasedPersons.None);
        Assert.Single(linked.Links);

        var erasedMeanwhile = new ErasedPersons([new ErasureRequest("r1", ErasureIntake.AnonymousIdKind, [PersonDigest.Of("anon-a")], [0], DateTimeOffset.UnixEpoch, ErasureStatus.Pending, ErasureCounts.Zero)]);
        run.ReceiveShard(previous, Day1.AddDays(1), linked.HandOvers.OfType<ShardHandOver>(), erasedMeanwhile);

        var user = Assert.Single(previous.Persons).Value;
        Assert.Empty(user.IntentInstants);
        Assert.Equal([Day1.AddDays(1).DayNumber], user.ActiveDays);
        Assert.Empty(previous.LinkedDevices);
    }

    [Fact]
    public void A_call_naming_both_ids_stored_outside_the_devices_shard_is_counted_and_not_linked()
    {
        var router = new ShardRouter(8);
        var device = Enumerable.Range(0, 100).Select(i => $"anon-{i}").First(d => router.ShardOf(d) != router.ShardOf("u1"));
        var linked = DayRun.LinkShard(new ShardState(), router.ShardOf("u1"), router, [Event("m1", "u1", "Signed Up", Day1Noon, device: device)], 0, ErasedPersons.None);
        Assert.Empty(linked.Links);
        Assert.Equal(1, linked.ForeignDevices);
    }
}
