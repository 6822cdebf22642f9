using System.Text;
using Funnel.Domain.Tests.Aggregation;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Identity;

/// <summary>
/// <c>merge(fold(device events), fold(user events)) == fold(all events)</c> for every family: each person's generated
/// history is split at random between a device and the user, folded day by day as two persons (forgetting what each
/// forgets), merged on a random day, and compared with folding the whole history as one person from the start.
/// </summary>
public class PersonMergeTests
{
    public static TheoryData<int> Seeds() => [3, 17, 29, 41];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_device_state_merged_into_its_user_equals_folding_both_histories_as_one_person(int seed)
    {
        var data = new JourneySimulator(new SimulationSettings { Days = 45, SignupsPerDay = 12, Seed = seed, TimeZone = "Asia/Shanghai", LateFraction = 0.08, DuplicateFraction = 0.04 }).Generate();
        var random = new Random(seed);
        var run = new DayRun(EngineHarness.Definitions, "Asia/Shanghai");
        // Everyone's events as the human's, then each event sent from the human's device or as the user at random.
        var humans = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in data.Values.SelectMany(d => d).Where(e => e.LinkedDevice is not null))
        {
            humans[e.LinkedDevice!] = e.PersonKey;
        }
        // A message's copies (duplicate deliveries) come from the same side.
        var fromDevice = new Dictionary<string, bool>(StringComparer.Ordinal);
        var split = data.ToDictionary(d => d.Key, d => d.Value.Select(e =>
        {
            var human = humans.GetValueOrDefault(e.PersonKey) ?? e.PersonKey;
            if (!fromDevice.TryGetValue(e.MessageId, out var device))
            {
                fromDevice[e.MessageId] = device = random.NextDouble() < 0.5;
            }
            return (Human: e with { PersonKey = human, AnonymousOnly = false, LinkedDevice = null }, FromDevice: device);
        }).ToList());
        var mergeDay = data.Keys.ElementAt(random.Next(5, data.Count - 5));

        var whole = new ShardState();
        var parts = new ShardState();
        var compared = 0;
        var merged = 0;
        foreach (var (day, events) in split)
        {
            if (day == mergeDay)
            {
                // Devices gone cold merge too: the link step wakes both sides first.
                foreach (var device in parts.Persons.Keys.Concat(parts.Cold.Persons.Keys).Where(k => k.StartsWith("device:", StringComparison.Ordinal)).ToList())
                {
                    var user = device["device:".Length..];
                    parts.Wake(device);
                    if (parts.Wake(user) is not { } person)
                    {
                        parts.Persons[user] = person = new PersonState(run.Fold.Slots.Count);
                    }
                    else
                    {
                        merged++;
                    }
                    MetricFamilies.Merge(person, parts.Persons[device], run.Fold.Slots);
                    parts.Persons.Remove(device);
                }
            }
            var wholeFigures = run.FoldShard(whole, day, events.Select(e => e.Human).ToList());
            var partEvents = events.Select(e => e.FromDevice && day < mergeDay ? e.Human with { PersonKey = "device:" + e.Human.PersonKey, AnonymousOnly = true } : e.Human).ToList();
            var partFigures = run.FoldShard(parts, day, partEvents);
            if (day >= mergeDay)
            {
                Assert.Equal(Snapshot(run, whole), Snapshot(run, parts));
                Assert.Equal(Report(run, day, wholeFigures), Report(run, day, partFigures));
                compared++;
            }
        }
        Assert.True(compared >= 5);
        // The split was real: devices with history of their own were merged into users that had some too.
        Assert.True(merged > 50, $"{merged} merges of two histories");
    }

    [Fact]
    public void A_merge_keeps_the_earlier_first_touch_exposure_and_entry_and_every_purchase()
    {
        var run = new DayRun(MetricDefinitions.Default, "UTC");
        var slots = run.Fold.Slots;
        var device = new PersonState(slots.Count);
        var user = new PersonState(slots.Count);
        MetricFamilies.Observe(device, Track("Experiment Viewed", 1_000, channel: "douyin", experiment: "e1", variant: "b"), 0, run.Definitions, slots);
        MetricFamilies.Observe(device, Track("Order Completed", 2_000, revenue: 10m), 0, run.Definitions, slots);
        MetricFamilies.Observe(user, Track("Experiment Viewed", 5_000, channel: "wechat", experiment: "e1", variant: "a"), 0, run.Definitions, slots);
        MetricFamilies.Observe(user, Track("Order Completed", 2_000, revenue: 10m), 0, run.Definitions, slots);
        MetricFamilies.Merge(user, device, slots);
        Assert.Equal("douyin", user.Channel);
        Assert.Equal((1_000L, "b"), user.Exposures["e1"]);
        Assert.Equal(1_000, user.FirstSeen);
        // Two orders at the same instant and amount are two orders.
        Assert.Equal(2, user.Purchases.Count);
    }

    private static ProductEvent Track(string name, long at, string? channel = null, decimal? revenue = null, string? experiment = null, string? variant = null) =>
        new(Guid.NewGuid().ToString("N"), "p", EventType.Track, name, at, at, channel, null, revenue, experiment, variant, null);

    /// <summary>The state's snapshot with each person's remembered message ids in one order (a merge appends them, a fold adds them as they come).</summary>
    private static string Snapshot(DayRun run, ShardState state)
    {
        foreach (var person in state.Persons.Values)
        {
            person.RecentIds.Sort();
        }
        using var output = new MemoryStream();
        run.WriteSnapshot(state, output);
        return Convert.ToBase64String(output.ToArray());
    }

    private static string Report(DayRun run, DateOnly day, ReportFigures figures) =>
        Encoding.UTF8.GetString(ReportJson.Serialize(run.Assemble(day, [figures], day, DateTimeOffset.UnixEpoch)));
}
