using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Metrics;
using Funnel.Storage;
using Funnel.Storage.Raw;
using Microsoft.AspNetCore.Builder;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>
/// Definitions in the deployed app, through the standalone host on Azurite: a bad document is refused with every problem
/// named and leaves the one in force; a good one is in force for the next run (its hash in the manifest, its funnels and
/// targets in the report); a stored document the run cannot read fails the run with that reason.
/// </summary>
public sealed class DefinitionsInForceTests : IAsyncLifetime, IDisposable
{
    private readonly GeneratedRawData _data = new(days: 4, signupsPerDay: 20, shards: AggregationFixture.Shards, seed: 3);
    private AzuriteStorage _azurite = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteStorage.StartAsync();
        await _data.UploadAsync(new BlobRawEventStore(_azurite.Storage.Blobs));
        (_app, var address) = await AggregationFixture.StartHostAsync(_azurite.ConnectionString);
        _client = new HttpClient { BaseAddress = address };
        _client.DefaultRequestHeaders.Add("x-functions-key", AggregationFixture.AdminKey);
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Uploaded_definitions_are_refused_with_every_problem_or_put_in_force_for_the_next_run()
    {
        // Until a document is uploaded the built-in definitions are in force, and GET shows them.
        using (var builtIn = await _client.GetAsync("/ops/definitions"))
        {
            Assert.Equal(HttpStatusCode.OK, builtIn.StatusCode);
            Assert.Equal(DefinitionsDocument.BuiltIn, builtIn.Headers.GetValues("x-definitions-version").Single());
            Assert.Equal(MetricDefinitions.Default.Hash, MetricDefinitions.Load(await builtIn.Content.ReadAsStringAsync(), "GET").Hash);
        }

        // A document with three problems: each named by its path, and nothing replaced.
        var bad = JsonNode.Parse(JsonSerializer.Serialize(MetricDefinitions.Default))!;
        bad["funnels"]![0]!["steps"]![1]!["windowDays"] = 90;
        bad["funnels"]![1]!["steps"]![0]!["event"] = "";
        bad["targets"] = new JsonArray(new JsonObject { ["figure"] = "money.arpu", ["target"] = 5, ["better"] = "more" });
        using (var refused = await PutAsync(bad.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var fields = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            Assert.Equal(["funnels[0].steps[1].windowDays", "funnels[1].steps[0].event", "targets[0].better"], fields);
        }
        using (var notJson = await PutAsync("{\"funnels\": ["))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }
        using (var tooLarge = await PutAsync(new string(' ', 300_000) + "{}"))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("body", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
        using (var still = await _client.GetAsync("/ops/definitions"))
        {
            Assert.Equal(DefinitionsDocument.BuiltIn, still.Headers.GetValues("x-definitions-version").Single());
        }

        // A good one: the second funnel renamed, a target set. It answers the hash the reports will carry.
        var good = JsonNode.Parse(JsonSerializer.Serialize(MetricDefinitions.Default))!;
        good["funnels"]![1]!["name"] = "browse to buy";
        good["targets"] = new JsonArray(new JsonObject { ["figure"] = "activity.dau", ["target"] = 1_000_000, ["better"] = "higher", ["amber"] = 10 });
        string hash, version;
        using (var stored = await PutAsync(good.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            var answer = await stored.Content.ReadFromJsonAsync<JsonElement>();
            (hash, version) = (answer.GetProperty("hash").GetString()!, answer.GetProperty("version").GetString()!);
        }
        Assert.NotEqual(MetricDefinitions.Default.Hash, hash);
        using (var inForce = await _client.GetAsync("/ops/definitions"))
        {
            Assert.Equal(version, inForce.Headers.GetValues("x-definitions-version").Single());
            Assert.Equal(hash, MetricDefinitions.Load(await inForce.Content.ReadAsStringAsync(), "GET").Hash);
        }

        var (first, second) = (_data.Days[0], _data.Days[1]);
        using (var started = await _client.PostAsync($"/ops/aggregations?from={first:yyyy-MM-dd}&to={second:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(_client, second, TimeSpan.FromMinutes(3))).GetProperty("status").GetString());
        var reports = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        var report = JsonNode.Parse((await reports.GetBlobClient($"{second:yyyy-MM-dd}/report.json").DownloadContentAsync()).Value.Content.ToString())!;
        Assert.Equal(hash, (string?)report["manifest"]!["definitionsHash"]);
        Assert.Equal("browse to buy", (string?)report["funnels"]![1]!["name"]);
        Assert.Equal("red", (string?)report["targets"]![0]!["status"]);

        // A stored document nobody can read (written past the API): the next run fails and says why.
        var config = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.ConfigContainer);
        await config.GetBlobClient("definitions.json").UploadAsync(BinaryData.FromString("{\"funnels\": \"none\"}"), overwrite: true);
        var third = _data.Days[2];
        using (var run = await _client.PostAsync($"/ops/aggregations/{third:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        }
        var failed = await AggregationFixture.WaitForDayAsync(_client, third, TimeSpan.FromMinutes(3));
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        var reason = failed.GetProperty("reason").GetString()!;
        Assert.Contains("config/definitions.json cannot be used", reason, StringComparison.Ordinal);
        Assert.Contains("funnels", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_sample_definitions_and_spend_uploaded_the_channels_equal_the_naive_oracle_and_a_bad_row_stores_nothing()
    {
        var (first, second) = (_data.Days[0], _data.Days[1]);
        var sample = Funnel.Testing.PublishedReports.SampleDefinitions();
        using (var stored = await PutAsync(File.ReadAllText(Funnel.Testing.RepoPaths.Of("docs", "definitions.sample.json"))))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }
        var bad = $"day,channel,amount,currency\n{first:yyyy-MM-dd},wechat,100,CNY\n{first:yyyy-MM-dd},douyin,abc,CNY\n2026-02-30,baidu,1,USD\n";
        using (var refused = await _client.PutAsync("/ops/spend", new StringContent(bad, Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var fields = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            Assert.Equal(["row 3: amount", "row 4: day", "row 4: currency"], fields);
        }
        // A campaign's row beside its channel's on the same day: both stored, both the channel's cost, the campaign's its own.
        var rows = new List<SpendRow> { new(first, "wechat", 1000.25m, "CNY"), new(second, "wechat", 2000m, "CNY"), new(second, "新渠道", 50m, "CNY"), new(first, "wechat", 300m, "CNY", "wechat-moments-ad") };
        using (var stored = await _client.PutAsync("/ops/spend", new StringContent(SpendCsv.Render(rows), Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            Assert.Equal(4, (await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").GetInt32());
        }
        // A row for a day and channel already stored replaces it.
        rows[1] = rows[1] with { Amount = 1500.5m };
        using (var replaced = await _client.PutAsync("/ops/spend", new StringContent(SpendCsv.Render([rows[1]]), Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        }
        using (var started = await _client.PostAsync($"/ops/aggregations?from={first:yyyy-MM-dd}&to={second:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(_client, second, TimeSpan.FromMinutes(3))).GetProperty("status").GetString());
        var reports = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        var report = JsonNode.Parse((await reports.GetBlobClient($"{second:yyyy-MM-dd}/report.json").DownloadContentAsync()).Value.Content.ToString())!;

        // The naive oracle, from the raw events and the same spend rows, with the uploaded definitions.
        var events = _data.Days.Where(d => d <= second).ToDictionary(d => d, d => (IReadOnlyList<Funnel.Events.ProductEvent>)[.. _data.Blobs.Where(b => b.Name.Day == d)
            .SelectMany(b => Funnel.Events.ProductEventReader.Read(new MemoryStream(b.GzipNdjson), b.Name.Path, gzip: true, []))]);
        var oracle = new Funnel.Oracle.NaiveOracle(Funnel.Testing.OracleMapping.For(sample, rows), _data.Zone)
            .Report(events, second, new Funnel.Oracle.ReportIdentity("x", sample.Hash, "x"));
        Assert.Equal(sample.Hash, (string?)report["manifest"]!["definitionsHash"]);
        var expected = JsonNode.Parse(oracle["money"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, report["money"]), $"engine {report["money"]}\noracle {expected}");
        var channels = report["money"]!["channels"]!.AsArray().ToDictionary(c => (string)c!["channel"]!, c => c!);
        Assert.Equal(1000.25m + 1500.5m + 300m, (decimal)channels["wechat"]["cost"]!);
        var campaigns = JsonNode.Parse(oracle["campaigns"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(campaigns, report["campaigns"]), $"engine {report["campaigns"]}\noracle {campaigns}");
        var moments = report["campaigns"]!["campaigns"]!.AsArray().Single(c => (string?)c!["name"] == "wechat-moments-ad")!;
        Assert.Equal(300m, (decimal)moments["spend"]!);
        Assert.Equal(50m, (decimal)channels["新渠道"]["cost"]!);

        // Each red target of the final report is announced once, in the notifications container beside Service Bus.
        var red = report["targets"]!.AsArray().Count(t => (string?)t!["status"] == "red");
        var notifications = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.NotificationsContainer);
        var missed = new List<string>();
        await foreach (var blob in notifications.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{second:yyyy-MM-dd}/target.missed", CancellationToken.None))
        {
            missed.Add(blob.Name);
        }
        Assert.True(red > 0);
        Assert.Equal(red, missed.Count);
    }

    private Task<HttpResponseMessage> PutAsync(string json) =>
        _client.PutAsync("/ops/definitions", new StringContent(json, Encoding.UTF8, "application/json"));
}
