using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Properties of the fold over random generated event sets (the seed is the random draw).</summary>
public class FoldPropertyTests
{
    public static TheoryData<int> Seeds() => [101, 202, 303];

    private static SortedDictionary<DateOnly, List<ProductEvent>> Small(int seed) => EngineHarness.DataSet(seed, days: 45, signupsPerDay: 12, zone: "Europe/Berlin");

    [Theory]
    [MemberData(nameof(Seeds))]
    public void One_shard_and_sixteen_shards_give_equal_reports(int seed)
    {
        var data = Small(seed);
        var one = EngineHarness.Run(data, "Europe/Berlin", 1).Select(EngineHarness.Json);
        var sixteen = EngineHarness.Run(data, "Europe/Berlin", 16).Select(EngineHarness.Json);
        Assert.Equal(one, sixteen);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Folding_day_by_day_equals_folding_everything_at_once_from_empty_state(int seed)
    {
        var data = Small(seed);
        var last = data.Keys.Last();
        var dayByDay = EngineHarness.Run(data, "Europe/Berlin", 4)[^1];
        var atOnce = new SortedDictionary<DateOnly, List<ProductEvent>> { [last] = data.Values.SelectMany(e => e).ToList() };
        var once = EngineHarness.Run(atOnce, "Europe/Berlin", 4)[^1];
        Assert.Equal(EngineHarness.Metrics(dayByDay), EngineHarness.Metrics(once));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_order_of_events_within_a_day_does_not_matter(int seed)
    {
        var data = Small(seed);
        var random = new Random(seed);
        var shuffled = new SortedDictionary<DateOnly, List<ProductEvent>>(data.ToDictionary(p => p.Key, p => p.Value.OrderBy(_ => random.Next()).ToList()));
        var reversed = new SortedDictionary<DateOnly, List<ProductEvent>>(data.ToDictionary(p => p.Key, p => Enumerable.Reverse(p.Value).ToList()));
        var expected = EngineHarness.Run(data, "Europe/Berlin", 4).Select(EngineHarness.Json).ToList();
        Assert.Equal(expected, EngineHarness.Run(shuffled, "Europe/Berlin", 4).Select(EngineHarness.Json));
        Assert.Equal(expected, EngineHarness.Run(reversed, "Europe/Berlin", 4).Select(EngineHarness.Json));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Replaying_a_day_from_the_previous_snapshot_gives_the_same_report_and_state(int seed)
    {
        var data = Small(seed);
        var days = data.Keys.ToList();
        var replayDay = days[30];
        var engine = new DailyAggregation(MetricDefinitions.Default, "Europe/Berlin", 4, new FixedClock(EngineHarness.GeneratedAt));
        foreach (var day in days.TakeWhile(d => d < replayDay))
        {
            engine.FoldDay(day, data[day]);
        }
        var snapshots = Enumerable.Range(0, 4).Select(s =>
        {
            var buffer = new MemoryStream();
            engine.WriteSnapshot(s, buffer);
            return buffer.ToArray();
        }).ToList();
        var first = EngineHarness.Json(engine.FoldDay(replayDay, data[replayDay]));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var states = snapshots.Select((bytes, s) => StateSnapshot.Read(new MemoryStream(bytes), engine.Fold.Slots.Count, $"shard-{s:D2}")).ToList();
            var replay = new DailyAggregation(MetricDefinitions.Default, "Europe/Berlin", states, new FixedClock(EngineHarness.GeneratedAt));
            Assert.Equal(first, EngineHarness.Json(replay.FoldDay(replayDay, data[replayDay])));
        }
    }

    [Fact]
    public void A_batch_delivered_twice_on_the_same_day_is_counted_once()
    {
        var data = Small(7);
        var doubled = new SortedDictionary<DateOnly, List<ProductEvent>>(data.ToDictionary(p => p.Key, p => p.Value.Concat(p.Value).ToList()));
        var once = EngineHarness.Run(data, "Europe/Berlin", 4);
        var twice = EngineHarness.Run(doubled, "Europe/Berlin", 4);
        Assert.Equal(once.Select(EngineHarness.Metrics), twice.Select(EngineHarness.Metrics));
        Assert.Equal(once.Sum(r => r.Events.Folded), twice.Sum(r => r.Events.Folded));
        Assert.Equal(once.Sum(r => r.Events.Folded + r.Events.DuplicatesDropped) * 2, twice.Sum(r => r.Events.Folded + r.Events.DuplicatesDropped));
    }
}
