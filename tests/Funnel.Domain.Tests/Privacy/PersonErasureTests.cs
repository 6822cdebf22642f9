using System.IO.Compression;
using System.Text;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Erasure;
using Funnel.Events;
using Funnel.Events.Privacy;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Funnel.Simulation;

namespace Funnel.Domain.Tests.Privacy;

public class PersonErasureTests
{
    private static ErasureRequest Request(string id, params string[] ids) =>
        new(id, "userId", [.. ids.Select(PersonDigest.Of)], [0], DateTimeOffset.UnixEpoch, ErasureStatus.Pending, ErasureCounts.Zero);

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }

    private static string Gunzip(byte[] gzip)
    {
        using var reader = new StreamReader(new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [Fact]
    public void A_raw_slice_loses_the_persons_events_and_keeps_every_other_line_byte_for_byte()
    {
        const string Others = "{\"type\":\"track\", \"userId\":\"u1\",\"messageId\":\"a\",\"properties\":{\"城市\":\"上海\"}}\n"
            + "{\"anonymousId\":\"dev-2\",\"type\":\"page\",\"messageId\":\"b\"}\n"
            + "{\"type\":\"identify\",\"userId\":\"u3\",\"anonymousId\":\"dev-9\",\"messageId\":\"c\"}\n";
        var slice = "{\"type\":\"track\",\"userId\":\"u9\",\"messageId\":\"x1\"}\n"
            + Others.Split('\n')[0] + "\n"
            + "{\"personKey\":\"u9\",\"type\":\"page\",\"anonymousId\":\"dev-9\",\"messageId\":\"x2\"}\n"
            + Others.Split('\n')[1] + "\n"
            + "{\"type\":\"page\",\"anonymousId\":\"dev-9\",\"messageId\":\"x3\"}\n"
            + Others.Split('\n')[2] + "\n";
        var erased = new ErasedPersons([Request("r1", "u9", "dev-9")]);

        var erasure = RawSliceEraser.Erase(Gzip(slice), erased);

        Assert.Equal(Others, Gunzip(erasure.Rewritten!));
        Assert.Equal(3, erasure.RemovedByRequest["r1"]);
        // u3's own identify on the shared device stays theirs.
        Assert.Null(RawSliceEraser.Erase(Gzip(Others), new ErasedPersons([Request("r2", "u9")])).Rewritten);
    }

    [Fact]
    public void Audience_lists_lose_the_lines_that_name_the_person_in_json_csv_or_gzip()
    {
        var erased = new ErasedPersons([Request("r1", "u9")]);
        var ndjson = PersonFileEraser.Erase(Gzip("{\"userId\":\"u1\"}\n{\"members\":[\"u2\",\"u9\"]}\n{\"userId\":\"u19\"}\n"), erased);
        Assert.Equal("{\"userId\":\"u1\"}\n{\"userId\":\"u19\"}\n", Gunzip(ndjson.Rewritten!));
        var csv = PersonFileEraser.Erase(Encoding.UTF8.GetBytes("id;segment\r\n\"u9\";vip\r\nu90;vip"), erased);
        Assert.Equal("id;segment\r\nu90;vip", Encoding.UTF8.GetString(csv.Rewritten!));
        Assert.Null(PersonFileEraser.Erase(Encoding.UTF8.GetBytes("u90,u99\n"), erased).Rewritten);
    }

    [Fact]
    public void Our_audience_files_lose_a_person_whose_key_is_quoted_or_formula_guarded()
    {
        var audiences = new AudienceFigures();
        audiences.ChurnWarning.AddRange([new("=u9", 20_000), new("a, \"b\"", 20_000), new("u7", 20_000)]);
        var file = AudienceCsv.Render(audiences)["audiences/churn-warning.csv"];
        Assert.Contains("'=u9,", Encoding.UTF8.GetString(file), StringComparison.Ordinal);

        var withoutGuarded = PersonFileEraser.Erase(file, new ErasedPersons([Request("r1", "=u9")])).Rewritten!;
        Assert.Equal(["a, \"b\"", "u7"], Persons(withoutGuarded));
        var withoutQuoted = PersonFileEraser.Erase(file, new ErasedPersons([Request("r2", "a, \"b\"")])).Rewritten!;
        Assert.Equal(["=u9", "u7"], Persons(withoutQuoted));
        Assert.Null(PersonFileEraser.Erase(file, new ErasedPersons([Request("r3", "u9")])).Rewritten);

        static List<string> Persons(byte[] csv) => [.. Encoding.UTF8.GetString(csv).Split("\r\n").Skip(1).Where(l => l.Length > 0)
            .Select(l => l.StartsWith('"') ? l[1..l.LastIndexOf('"')].Replace("\"\"", "\"", StringComparison.Ordinal) : l.Split(',')[0].TrimStart('\''))];
    }

    [Fact]
    public void Removing_a_person_from_folded_state_gives_the_figures_of_a_fold_that_never_saw_them()
    {
        var data = new JourneySimulator(new SimulationSettings { Days = 8, SignupsPerDay = 15, Seed = 5, TimeZone = "UTC" }).Generate();
        var person = data.Values.SelectMany(d => d).GroupBy(e => e.PersonKey).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        var run = new DayRun(MetricDefinitions.Default, "UTC");
        var (withPerson, withFigures) = FoldAll(run, data, _ => true);
        var (without, withoutFigures) = FoldAll(run, data, e => e.PersonKey != person);
        var lastDay = data.Keys.Last();

        // The snapshot round trip is lossless: recomputing the partial from it gives the same figures (value lists in person order, which a snapshot sorts).
        using var snapshot = new MemoryStream();
        run.WriteSnapshot(withPerson, snapshot);
        var reread = run.ReadSnapshot(new MemoryStream(snapshot.ToArray()), "test");
        var fromSnapshot = ShardFigures.Compute(reread, run.Fold, lastDay, withFigures.Events);
        // Data quality describes the day's events as processed, not state: an erasure keeps it (as PersonEraser does).
        fromSnapshot.DataQuality = withFigures.DataQuality;
        Assert.Equal(Encode(run, lastDay, withFigures), Encode(run, lastDay, fromSnapshot));

        Assert.Equal([person], reread.RemovePersons(key => key == person));
        var recomputed = ShardFigures.Compute(reread, run.Fold, lastDay, withoutFigures.Events);
        recomputed.DataQuality = withoutFigures.DataQuality;
        Assert.Equal(Encode(run, lastDay, withoutFigures), Encode(run, lastDay, recomputed));
        Assert.Equal(without.Persons.Keys.Order(StringComparer.Ordinal), reread.Persons.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_fold_leaves_erased_persons_out_and_fails_when_a_request_arrived_meanwhile()
    {
        var state = new ShardState();
        state.Persons["u9"] = new PersonState(1);
        state.Persons["u1"] = new PersonState(1);
        var events = new List<ProductEvent>
        {
            new("m1", "u9", EventType.Track, "A", 0, 0, null, null, null, null, null, null),
            new("m2", "u1", EventType.Track, "A", 0, 0, null, null, null, null, null, null),
        };
        var before = new ErasedPersons([Request("r1", "u9")]);

        Assert.Equal(["m2"], FoldErasure.Apply(before, state, events).Select(e => e.MessageId));
        Assert.Equal(["u1"], state.Persons.Keys);
        FoldErasure.ThrowIfMoreErased(before, new ErasedPersons([Request("r1", "u9")]));
        Assert.Throws<ErasureDuringFoldException>(() => FoldErasure.ThrowIfMoreErased(before, new ErasedPersons([Request("r1", "u9"), Request("r2", "u5")])));
    }

    private static (ShardState State, ReportFigures LastFigures) FoldAll(DayRun run, SortedDictionary<DateOnly, List<ProductEvent>> data, Func<ProductEvent, bool> keep)
    {
        var state = new ShardState();
        ReportFigures figures = new();
        foreach (var (day, events) in data)
        {
            figures = run.FoldShard(state, day, events.Where(keep).ToList());
        }
        return (state, figures);
    }

    /// <summary>The figures as the report they make (per-person value lists are in person order, which a snapshot and a removal may change).</summary>
    private static string Encode(DayRun run, DateOnly day, ReportFigures figures) =>
        Encoding.UTF8.GetString(ReportJson.Serialize(run.Assemble(day, [figures], day, DateTimeOffset.UnixEpoch)));
}
