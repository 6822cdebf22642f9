using System.IO.Compression;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Integration.Tests.Aggregation;
using Funnel.Metrics;
using Funnel.Oracle;
using Funnel.Reports;
using Funnel.Standalone;
using Funnel.Storage;
using Funnel.Storage.Keys;
using Funnel.Storage.Raw;
using Funnel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests.Privacy;

/// <summary>
/// Azurite with generated raw days, one person (a user with events on many days, late and duplicate
/// deliveries, and a linked device whose events came before and after the link) chosen to be erased,
/// an audience file naming them, and the standalone host serving the ops APIs. Knows what the
/// storage held before, to check that the erasure removed exactly that person.
/// </summary>
internal sealed class ErasureScenario : IAsyncDisposable
{
    public const string Device = "anon-erasure-device";
    private const string AudienceFile = "audiences/buyers.ndjson";
    private const string AudienceCsv = "audiences/buyers.csv";

    private readonly AzuriteStorage _azurite;
    private readonly WebApplication _app;

    private ErasureScenario(AzuriteStorage azurite, WebApplication app, Uri address, GeneratedRawData data, string person, List<(RawBlobName Name, byte[] GzipNdjson)> blobs)
    {
        _azurite = azurite;
        _app = app;
        Data = data;
        Person = person;
        Blobs = blobs;
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("x-functions-key", AggregationFixture.AdminKey);
    }

    public GeneratedRawData Data { get; }

    /// <summary>Every raw blob uploaded: the generated ones and the person's extra ones.</summary>
    public List<(RawBlobName Name, byte[] GzipNdjson)> Blobs { get; }

    /// <summary>The user to erase.</summary>
    public string Person { get; }

    public HttpClient Client { get; }

    public BlobServiceClient BlobService => _azurite.Storage.Blobs;

    public TableServiceClient Tables => _azurite.Storage.Tables;

    /// <summary>The devices linked to the person: the scenario's own, and those their signed-in calls name (every one of them is theirs alone).</summary>
    public IReadOnlySet<string> Devices { get; private init; } = new HashSet<string>();

    public bool IsPersons(string? key) => key == Person || (key is not null && Devices.Contains(key));

    public static async Task<ErasureScenario> StartAsync(int days)
    {
        var data = new GeneratedRawData(days, signupsPerDay: 20, shards: AggregationFixture.Shards, seed: 21);
        var events = data.Blobs.SelectMany(b => Lines(b.GzipNdjson).Select(l => (b.Name, Line: l, Event: JsonNode.Parse(l)!))).ToList();
        // The user with events on the most days, among those with a late event (timestamp before its processing day).
        var person = events.Where(e => e.Event["userId"] is not null)
            .GroupBy(e => e.Event["userId"]!.GetValue<string>())
            .Where(g => g.Any(e => DateOnly.FromDateTime(DateTimeOffset.Parse(e.Event["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).UtcDateTime) < e.Name.Day.AddDays(-1)))
            .OrderByDescending(g => g.Select(e => e.Name.Day).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .First();
        var router = new ShardRouter(AggregationFixture.Shards);
        var own = person.OrderBy(e => e.Name.Day).ToList();
        var blobs = new List<(RawBlobName, byte[])>(data.Blobs);
        // A duplicate delivery: a later day's blob holds one of their events again.
        blobs.Add((new RawBlobName(data.Days[^3], router.ShardOf(person.Key), "redelivered"), Gzip([own[0].Line])));
        // A device used before they signed in, then linked by an identify naming both: from then on the device's whole
        // history is the user's. Raw storage keeps every event naming the device in the device's shard.
        string DeviceLine(JsonNode template, string messageId, bool signedIn)
        {
            var e = JsonNode.Parse(template.ToJsonString())!.AsObject();
            e.Remove("userId");
            e["anonymousId"] = Device;
            e["messageId"] = messageId;
            if (signedIn)
            {
                e["type"] = "identify";
                e.Remove("event");
                e["userId"] = person.Key;
            }
            return e.ToJsonString();
        }
        blobs.Add((new RawBlobName(data.Days[1], router.ShardOf(Device), "device-before-link"), Gzip([DeviceLine(own[0].Event, "device-m1", false), DeviceLine(own[0].Event, "device-m2", false)])));
        blobs.Add((new RawBlobName(data.Days[2], router.ShardOf(Device), "device-link"), Gzip([DeviceLine(own[0].Event, "device-identify", true)])));
        blobs.Add((new RawBlobName(data.Days[^2], router.ShardOf(Device), "device-after-link"), Gzip([DeviceLine(own[^1].Event, "device-m3", false)])));

        var azurite = await AzuriteStorage.StartAsync();
        var raw = new BlobRawEventStore(azurite.Storage.Blobs);
        foreach (var (name, bytes) in blobs)
        {
            await raw.WriteAsync(name, bytes, CancellationToken.None);
        }
        await new TableIdentityLinks(azurite.Storage.Tables).AddAsync([new Funnel.Engine.Identity.IdentityLink(Device, person.Key, DateTimeOffset.Parse("2026-08-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture))], CancellationToken.None);
        var reports = azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        await reports.GetBlobClient(AudienceFile).UploadAsync(BinaryData.FromString(
            $"{{\"userId\":\"u-someone-else\",\"segment\":\"buyers\"}}\n{{\"userId\":\"{person.Key}\",\"segment\":\"buyers\"}}\n{{\"anonymousId\":\"{Device}\",\"segment\":\"buyers\"}}\n"));
        await reports.GetBlobClient(AudienceCsv).UploadAsync(BinaryData.FromString($"person,segment\nu-someone-else,buyers\n{person.Key},buyers\n"));

        var (app, address) = await LoopbackHost.StartAsync(url => StandaloneApp.Build(["--urls", url.ToString()], builder =>
        {
            foreach (var (key, value) in AggregationFixture.Settings(azurite.ConnectionString))
            {
                builder.Configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }));
        var devices = events.Where(e => e.Event["userId"]?.GetValue<string>() == person.Key && e.Event["anonymousId"] is not null)
            .Select(e => e.Event["anonymousId"]!.GetValue<string>()).Append(Device).ToHashSet(StringComparer.Ordinal);
        return new ErasureScenario(azurite, app, address, data, person.Key, blobs) { Devices = devices };
    }

    public async Task RunDaysAsync(DateOnly from, DateOnly to)
    {
        using var started = from == to
            ? await Client.PostAsync($"/ops/aggregations/{from:yyyy-MM-dd}", null)
            : await Client.PostAsync($"/ops/aggregations?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        await WaitForDayAsync(to);
    }

    public async Task WaitForDayAsync(DateOnly day) =>
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(Client, day, TimeSpan.FromMinutes(4))).GetProperty("status").GetString());

    public async Task<JsonElement> RequestErasureAsync(object body)
    {
        using var response = await Client.PostAsJsonAsync("/ops/privacy/erasures", body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> ErasureAsync(string id) => await Client.GetFromJsonAsync<JsonElement>($"/ops/privacy/erasures/{id}");

    /// <summary>Every blob's content by container and name (raw slices and gzip files uncompressed).</summary>
    public async Task<Dictionary<string, byte[]>> ReadAllBlobsAsync()
    {
        var all = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var container in StorageNames.Containers)
        {
            var client = BlobService.GetBlobContainerClient(container);
            await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.None }))
            {
                var content = (await client.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToArray();
                all[$"{container}/{item.Name}"] = content.Length > 2 && content[0] == 0x1f && content[1] == 0x8b ? Gunzip(content) : content;
            }
        }
        return all;
    }

    /// <summary>Raw lines by blob, as stored before anything was erased.</summary>
    public Dictionary<string, List<string>> UploadedRawLines() =>
        Blobs.ToDictionary(b => $"{StorageNames.RawContainer}/{b.Name.Path}", b => Lines(b.GzipNdjson).ToList(), StringComparer.Ordinal);

    /// <summary>The person the pipeline counts a raw line for.</summary>
    public static string? PersonOf(string line)
    {
        var e = JsonNode.Parse(line)!;
        return (e["userId"] ?? e["anonymousId"])?.GetValue<string>();
    }

    /// <summary>Asserts that nothing stored names the person or holds their events, and that every other event is there, byte for byte.</summary>
    public async Task AssertPersonGoneAndOthersKeptAsync()
    {
        var before = UploadedRawLines();
        var theirMessageIds = before.Values.SelectMany(l => l).Where(l => IsPersons(PersonOf(l))).Select(l => JsonNode.Parse(l)!["messageId"]!.GetValue<string>()).ToHashSet();
        var run = new DayRun(MetricDefinitions.Default, Data.Zone);
        foreach (var (name, content) in await ReadAllBlobsAsync())
        {
            if (name.StartsWith("state/", StringComparison.Ordinal))
            {
                var state = run.ReadSnapshot(new MemoryStream(content), name);
                Assert.DoesNotContain(state.Persons.Keys, IsPersons);
                Assert.DoesNotContain(state.LinkedDevices, l => IsPersons(l.Key) || IsPersons(l.Value));
                continue;
            }
            var text = name.StartsWith("partials/", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(ReportFiguresCodec.Read(new MemoryStream(content), name))
                : Encoding.UTF8.GetString(content);
            Assert.False(text.Contains(Person, StringComparison.Ordinal), $"{name} names the erased user");
            Assert.False(text.Contains(Device, StringComparison.Ordinal), $"{name} names the erased user's device");
            if (name.StartsWith("raw/", StringComparison.Ordinal))
            {
                var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.DoesNotContain(lines, l => theirMessageIds.Contains(JsonNode.Parse(l)!["messageId"]!.GetValue<string>()));
                // Every other event is still there, byte for byte and in order.
                Assert.Equal(before[name].Where(l => !IsPersons(PersonOf(l))), lines);
            }
        }
        var rawAfter = (await ReadAllBlobsAsync()).Keys.Count(k => k.StartsWith("raw/", StringComparison.Ordinal));
        Assert.Equal(before.Count, rawAfter);
        await foreach (var row in Tables.GetTableClient(StorageNames.IdentityLinksTable).QueryAsync<TableEntity>())
        {
            Assert.NotEqual(Device, row.GetString("AnonymousId"));
            Assert.NotEqual(Person, row.GetString("UserId"));
        }
        await foreach (var row in Tables.GetTableClient(StorageNames.ErasuresTable).QueryAsync<TableEntity>())
        {
            Assert.DoesNotContain(row, p => p.Value?.ToString() is { } s && (s.Contains(Person, StringComparison.Ordinal) || s.Contains(Device, StringComparison.Ordinal)));
        }
        var audience = Encoding.UTF8.GetString(Gunzip((await BlobService.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobClient(AudienceFile).DownloadContentAsync()).Value.Content.ToArray()));
        Assert.Equal("{\"userId\":\"u-someone-else\",\"segment\":\"buyers\"}\n", audience);
        var csv = (await BlobService.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobClient(AudienceCsv).DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal("person,segment\nu-someone-else,buyers\n", csv);
    }

    /// <summary>The naive oracle's report of <paramref name="day"/> over every uploaded event except the person's, as comparable JSON.</summary>
    public JsonNode OracleWithoutPerson(DateOnly day)
    {
        var byDay = new SortedDictionary<DateOnly, List<ProductEvent>>();
        foreach (var (name, bytes) in Blobs)
        {
            var events = ProductEventReader.Read(new MemoryStream(bytes), name.Path, gzip: true, []).Where(e => !IsPersons(e.PersonKey));
            if (!byDay.TryGetValue(name.Day, out var list))
            {
                byDay[name.Day] = list = [];
            }
            list.AddRange(events);
        }
        var report = new NaiveOracle(OracleMapping.For(MetricDefinitions.Default), Data.Zone).Report(
            byDay.ToDictionary(d => d.Key, d => (IReadOnlyList<ProductEvent>)d.Value),
            day,
            new ReportIdentity(string.Empty, MetricDefinitions.Default.Hash, ReportAssembler.EngineVersion));
        return GeneratedRawData.Comparable(report.ToJsonString());
    }

    public async Task<JsonNode> PublishedReportAsync(DateOnly day) =>
        GeneratedRawData.Comparable((await BlobService.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobClient($"{day:yyyy-MM-dd}/report.json").DownloadContentAsync()).Value.Content.ToString());

    public static IEnumerable<string> Lines(byte[] gzip) => Encoding.UTF8.GetString(Gunzip(gzip)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static byte[] Gunzip(byte[] gzip)
    {
        if (gzip.Length < 2 || gzip[0] != 0x1f || gzip[1] != 0x8b)
        {
            return gzip;
        }
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Gzip(IEnumerable<string> lines)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
        }
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
