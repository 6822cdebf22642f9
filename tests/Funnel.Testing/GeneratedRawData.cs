using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Simulation;
using Funnel.Storage.Raw;

namespace Funnel.Testing;

/// <summary>A generated data set (late, duplicate and shuffled events) laid out as ProcessEvents lays out raw blobs, with the reports <c>funnel aggregate</c>'s engine makes of it.</summary>
public sealed class GeneratedRawData
{
    public const string TimeZone = "Asia/Shanghai";

    public GeneratedRawData(int days, int signupsPerDay, int shards, int seed = 7, string timeZone = TimeZone)
    {
        Shards = shards;
        var generated = new JourneySimulator(new SimulationSettings { Days = days, SignupsPerDay = signupsPerDay, Seed = seed, TimeZone = timeZone, FirstDay = new DateOnly(2026, 8, 1) }).Deliveries();
        var router = new ShardRouter(shards);
        foreach (var (day, events) in generated)
        {
            foreach (var shard in events.GroupBy(e => router.ShardOf(e.Event.StoredUnder)))
            {
                using var buffer = new MemoryStream();
                using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
                {
                    StoredEvents.WriteNdjson(gzip, shard);
                }
                Blobs.Add((new RawBlobName(day, shard.Key, $"generated-{seed}"), buffer.ToArray()));
            }
        }
        Days = [.. generated.Keys];
        Zone = timeZone;
    }

    /// <summary>The IANA zone the data's days are in.</summary>
    public string Zone { get; }

    public int Shards { get; }

    public List<DateOnly> Days { get; }

    public List<(RawBlobName Name, byte[] GzipNdjson)> Blobs { get; } = [];

    public async Task UploadAsync(BlobRawEventStore raw)
    {
        foreach (var (name, bytes) in Blobs)
        {
            await raw.WriteAsync(name, bytes, CancellationToken.None);
        }
    }

    /// <summary>Every day's report as the offline engine (<c>funnel aggregate</c>) computes it from the same blobs, generatedAt removed.</summary>
    public Dictionary<DateOnly, JsonNode> ReferenceReports()
    {
        var engine = new DailyAggregation(MetricDefinitions.Default, Zone, Shards, TimeProvider.System);
        var reports = new Dictionary<DateOnly, JsonNode>();
        foreach (var day in Days)
        {
            var malformed = new List<MalformedLine>();
            var events = Blobs.Where(b => b.Name.Day == day)
                .SelectMany(b => ProductEventReader.Read(new MemoryStream(b.GzipNdjson), b.Name.Path, gzip: true, malformed))
                .ToList();
            reports[day] = Comparable(System.Text.Encoding.UTF8.GetString(ReportJson.Serialize(engine.FoldDay(day, events, malformed.Count))));
        }
        return reports;
    }

    /// <summary>The report without the one field that differs between two runs on the same data.</summary>
    public static JsonNode Comparable(string reportJson)
    {
        var node = JsonNode.Parse(reportJson)!;
        node.AsObject().Remove("generatedAt");
        // Only the function app's publish has the stored figures of earlier days; the offline engine it is compared with has none.
        node.AsObject().Remove("comparisons");
        return node;
    }
}
