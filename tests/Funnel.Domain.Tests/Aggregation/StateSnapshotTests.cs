using Funnel.Domain.Aggregation;
using Funnel.Domain.Metrics;

namespace Funnel.Domain.Tests.Aggregation;

public class StateSnapshotTests
{
    private static (byte[] Bytes, int Slots, int Persons) Snapshot()
    {
        var data = EngineHarness.DataSet(5, days: 20, signupsPerDay: 50);
        var engine = new DailyAggregation(MetricDefinitions.Default, "Asia/Shanghai", 1, new FixedClock(EngineHarness.GeneratedAt));
        foreach (var (day, events) in data)
        {
            engine.FoldDay(day, events);
        }
        var buffer = new MemoryStream();
        engine.WriteSnapshot(0, buffer);
        return (buffer.ToArray(), engine.Fold.Slots.Count, engine.Shards[0].Persons.Count);
    }

    [Fact]
    public void A_snapshot_reads_back_to_a_state_that_writes_the_same_bytes()
    {
        var (bytes, slots, persons) = Snapshot();
        var state = StateSnapshot.Read(new MemoryStream(bytes), slots, "shard-00/2026-09-20.bin");
        Assert.Equal(persons, state.Persons.Count);
        var again = new MemoryStream();
        StateSnapshot.Write(state, slots, again);
        Assert.Equal(bytes, again.ToArray());
    }

    [Fact]
    public void A_reader_that_wants_a_few_persons_gets_them_whole_and_every_device_link()
    {
        var (bytes, slots, _) = Snapshot();
        var full = StateSnapshot.Read(new MemoryStream(bytes), slots, "full");
        Assert.NotEmpty(full.LinkedDevices);
        var wanted = full.Persons.Keys.Where((_, i) => i % 97 == 0).ToHashSet(StringComparer.Ordinal);
        var some = StateSnapshot.Read(new MemoryStream(bytes), slots, "some", wanted.Contains);
        Assert.Equal(wanted.Order(StringComparer.Ordinal), some.Persons.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(full.LinkedDevices, some.LinkedDevices);
        // The persons read are the same as in a full read: a state of only them writes as the full state's would.
        var expected = new ShardState { FirstDay = full.FirstDay, ThroughDay = full.ThroughDay };
        foreach (var key in wanted)
        {
            expected.Persons[key] = full.Persons[key];
        }
        expected.LinkedDevices.Clear();
        some.LinkedDevices.Clear();
        Assert.Equal(Bytes(expected, slots), Bytes(some, slots));

        static byte[] Bytes(ShardState state, int slots)
        {
            var output = new MemoryStream();
            StateSnapshot.Write(state, slots, output);
            return output.ToArray();
        }
    }

    [Fact]
    public void A_truncated_snapshot_is_refused_naming_it()
    {
        var (bytes, slots, _) = Snapshot();
        var ex = Assert.Throws<SnapshotFormatException>(() => StateSnapshot.Read(new MemoryStream(bytes[..(bytes.Length / 2)]), slots, "shard-03/2026-11-23.bin"));
        Assert.Contains("shard-03/2026-11-23.bin", ex.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_snapshot_is_refused()
    {
        var (bytes, slots, _) = Snapshot();
        bytes[^10] ^= 0x5A;
        var ex = Assert.Throws<SnapshotFormatException>(() => StateSnapshot.Read(new MemoryStream(bytes), slots, "s"));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_version_is_refused_with_the_version_this_engine_reads()
    {
        var (bytes, slots, _) = Snapshot();
        bytes[4] = 9;
        var ex = Assert.Throws<SnapshotFormatException>(() => StateSnapshot.Read(new MemoryStream(bytes), slots, "s"));
        Assert.Contains("unknown snapshot version 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_else_entirely_is_not_taken_for_a_snapshot()
    {
        var ex = Assert.Throws<SnapshotFormatException>(() => StateSnapshot.Read(new MemoryStream("{\"not\":\"a snapshot\"}"u8.ToArray()), 10, "s"));
        Assert.Contains("bad magic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snapshot_for_other_funnel_definitions_asks_for_a_rebuild()
    {
        var (bytes, slots, _) = Snapshot();
        var ex = Assert.Throws<SnapshotFormatException>(() => StateSnapshot.Read(new MemoryStream(bytes), slots + 1, "s"));
        Assert.Contains("rebuild", ex.Message, StringComparison.Ordinal);
    }
}
