using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Funnel.Engine.Aggregation;
using Funnel.Metrics;

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

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_snapshot_of_an_earlier_version_reads_as_it_was_hot_and_cold(byte version)
    {
        // Versions 4 and 5 had no campaign touches: events naming none make a state that such a snapshot held.
        var data = new SortedDictionary<DateOnly, List<Funnel.Events.ProductEvent>>(
            EngineHarness.DataSet(5, days: 60, signupsPerDay: 10).ToDictionary(d => d.Key, d => d.Value.ConvertAll(e => e with { Campaign = null })));
        var engine = new DailyAggregation(EngineHarness.Definitions, "Asia/Shanghai", 1, new FixedClock(EngineHarness.GeneratedAt));
        foreach (var (day, events) in data)
        {
            engine.FoldDay(day, events);
        }
        var shard = engine.Shards[0];
        // Version 4 had no survey answers: a state without any is what such a snapshot held.
        foreach (var person in shard.Persons.Values.Where(_ => version == 4))
        {
            person.SurveyAnswers.Clear();
            person.SessionInstants.Clear();
            foreach (var channel in person.Touches.Keys.ToList())
            {
                person.ForgetTouches(channel);
            }
            foreach (var feature in person.FeatureDays.Keys.ToList())
            {
                person.ForgetFeature(feature);
            }
        }
        Assert.NotEmpty(shard.Cold.Persons);
        var current = new MemoryStream();
        engine.WriteSnapshot(0, current);
        var slots = engine.Fold.Slots.Count;

        var old = StateSnapshot.Read(new MemoryStream(AsVersion(current.ToArray(), version)), slots, $"v{version}");
        var now = StateSnapshot.Read(new MemoryStream(current.ToArray()), slots, "current");

        Assert.Equal(now.Persons.Keys.Order(StringComparer.Ordinal), old.Persons.Keys.Order(StringComparer.Ordinal));
        Assert.All(now.Persons, p => Assert.Equal(Facts(p.Value), Facts(old.Persons[p.Key])));
        Assert.Equal(now.Cold.Persons.Keys.Order(StringComparer.Ordinal), old.Cold.Persons.Keys.Order(StringComparer.Ordinal));
        Assert.All(now.Cold.Persons, p => Assert.Equal(Facts(now.Cold.Parse(p.Value)), Facts(old.Cold.Parse(old.Cold.Persons[p.Key]))));
        Assert.All(now.Cold.Persons, p => Assert.Equal(p.Value.Contribution, old.Cold.Persons[p.Key].Contribution));
    }

    private static string Facts(PersonState p) => string.Join(" | ",
        p.FirstSeen, p.SignupAt, p.Channel, p.Platform, string.Join(',', p.ActiveDays), string.Join(',', p.Purchases), string.Join(',', p.RecentIds),
        string.Join(',', p.Exposures.OrderBy(x => x.Key, StringComparer.Ordinal)), string.Join(',', p.IntentInstants), string.Join(',', p.SurveyAnswers), string.Join(',', p.FeatureDays.Select(f => f.Key)),
        string.Join(',', p.SessionInstants), string.Join(',', p.Touches.Select(t => $"{t.Key}:{t.Value.Sent.Count}/{t.Value.Opened.Count}")));

    /// <summary>
    /// The same snapshot as version 5 or 4 wrote it: each person's bytes (hot and cold) without the empty first campaign touch
    /// and touches, the last three bytes (0, 0, 0: never, none, none); for version 4 also without the counts of survey answers,
    /// feature days, session instants and touch channels, four more zeros, and a cold person's contribution without the
    /// platform; every length, the version and the checksum to match.
    /// </summary>
    private static byte[] AsVersion(byte[] snapshot, byte version)
    {
        var tail = version == 4 ? 7 : 3;
        using var payload = new MemoryStream();
        using (var brotli = new BrotliStream(new MemoryStream(snapshot, 17, snapshot.Length - 17), CompressionMode.Decompress))
        {
            brotli.CopyTo(payload);
        }
        payload.Position = 0;
        using var reader = new BinaryReader(payload, Encoding.UTF8);
        using var raw = new MemoryStream();
        using (var writer = new BinaryWriter(raw, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(reader.ReadInt32());
            writer.Write(reader.ReadInt32());
            writer.Write7BitEncodedInt(reader.Read7BitEncodedInt());
            var links = reader.Read7BitEncodedInt();
            writer.Write7BitEncodedInt(links);
            for (var i = 0; i < links * 2; i++)
            {
                writer.Write(reader.ReadString());
            }
            void People(bool cold)
            {
                var count = reader.Read7BitEncodedInt();
                writer.Write7BitEncodedInt(count);
                for (var i = 0; i < count; i++)
                {
                    writer.Write(reader.ReadString());
                    var person = reader.ReadBytes(reader.Read7BitEncodedInt());
                    Assert.Equal(new byte[tail], person[^tail..]);
                    writer.Write7BitEncodedInt(person.Length - tail);
                    writer.Write(person, 0, person.Length - tail);
                    if (cold)
                    {
                        // What the person adds to a day's figures, unchanged: stage, last active day, first day, channel, LTV, last purchase day, purchases, revenue.
                        writer.Write(reader.ReadByte());
                        writer.Write(reader.ReadInt32());
                        writer.Write(reader.ReadInt32());
                        writer.Write(reader.ReadString());
                        writer.Write7BitEncodedInt64(reader.Read7BitEncodedInt64());
                        writer.Write(reader.ReadInt32());
                        writer.Write7BitEncodedInt64(reader.Read7BitEncodedInt64());
                        writer.Write7BitEncodedInt64(reader.Read7BitEncodedInt64());
                        // The platform, which version 4 did not keep beside the person (the reader takes it from their bytes).
                        var platform = reader.ReadString();
                        if (version > 4)
                        {
                            writer.Write(platform);
                        }
                    }
                }
            }
            People(cold: false);
            People(cold: true);
            Assert.Equal(payload.Length, payload.Position);
        }
        using var compressed = new MemoryStream();
        using (var brotli = new BrotliStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(raw.GetBuffer(), 0, (int)raw.Length);
        }
        var bytes = compressed.ToArray();
        return [.. "FNLS"u8, version, .. BitConverter.GetBytes(bytes.Length), .. SHA256.HashData(bytes).AsSpan(0, 8), .. bytes];
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
