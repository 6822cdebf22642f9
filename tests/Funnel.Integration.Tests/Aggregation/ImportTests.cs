using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Oracle;
using Funnel.Reports;
using Funnel.Simulation;
using Funnel.Storage;
using Microsoft.AspNetCore.Builder;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>
/// History import: 30 days of events sent today with their past timestamps, the days run again as of now; each day's
/// report equals the naive oracle over those events on the days they happened, and later runs neither lose nor repeat them.
/// </summary>
public sealed class ImportTests : IAsyncLifetime
{
    private AzuriteStorage _azurite = null!;
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteStorage.StartAsync();
        (_app, _address) = await AggregationFixture.StartHostAsync(_azurite.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Thirty_days_sent_today_and_run_as_of_now_equal_the_oracle_on_the_days_they_happened()
    {
        using var client = new HttpClient { BaseAddress = _address };
        client.DefaultRequestHeaders.Add("x-functions-key", AggregationFixture.AdminKey);
        var clock = new ReportingClock(GeneratedRawData.TimeZone);
        var now = DateTimeOffset.UtcNow;
        var today = clock.DayOf(now);
        var calls = SegmentCalls.Journeys(persons: 900, days: 30, until: now.AddDays(-2), seed: 5).ToList();
        foreach (var batch in calls.Chunk(200))
        {
            var body = new JsonObject { ["batch"] = new JsonArray([.. batch.Select(c => (JsonNode)c.DeepClone())]) }.ToJsonString();
            using var sent = await client.SendAsync(Ingest.Request("/v1/batch", Encoding.UTF8.GetBytes(body), Ingest.Basic(AggregationFixture.WriteKey)));
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        var stored = await StoredEventsAsync(calls.Count, TimeSpan.FromMinutes(2));
        Assert.All(stored, e => Assert.Equal(today, clock.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(e.ReceivedAt))));

        var byHappened = stored.GroupBy(e => clock.DayOf(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp)))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ProductEvent>)[.. g]);
        var from = byHappened.Keys.Min();
        using var started = await client.PostAsync($"/ops/imports?from={from:yyyy-MM-dd}", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var answer = await started.Content.ReadFromJsonAsync<JsonElement>();
        var to = DateOnly.Parse(answer.GetProperty("to").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var asOf = answer.GetProperty("asOf").GetDateTimeOffset();
        var status = await AggregationFixture.WaitForDayAsync(client, to, TimeSpan.FromMinutes(8));
        Assert.Equal("Completed", status.GetProperty("status").GetString());

        var oracle = new NaiveOracle(OracleMapping.For(MetricDefinitions.Default), GeneratedRawData.TimeZone);
        var identity = new ReportIdentity(string.Empty, MetricDefinitions.Default.Hash, ReportAssembler.EngineVersion);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var published = (await PublishedAsync(day)).AsObject();
            var manifest = published["manifest"]!.AsObject();
            // Every day before today read raw received after it: the manifest says as of when.
            Assert.Equal(asOf, DateTimeOffset.Parse(manifest["asOf"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            manifest.Remove("asOf");
            var expected = GeneratedRawData.Comparable(oracle.Report(byHappened, day, identity).ToJsonString());
            Assert.True(JsonNode.DeepEquals(expected, published), $"the report of {day:yyyy-MM-dd} differs from the oracle over the imported events");
        }
        Assert.Equal(stored.Count, await FoldedAsync(from, to));

        // A normal re-run of a day inside the import reproduces its report: the import is recorded, not a one-off.
        var again = from.AddDays(12);
        var before = await PublishedAsync(again);
        var rerunAt = DateTimeOffset.UtcNow;
        using (var rerun = await client.PostAsync($"/ops/aggregations?from={again:yyyy-MM-dd}&to={to:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        }
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(client, to, TimeSpan.FromMinutes(4), rerunAt)).GetProperty("status").GetString());
        Assert.True(JsonNode.DeepEquals(before, await PublishedAsync(again)), "a re-run of an imported day changed its report");

        // Today's run reads the same raw folder: the events already counted on their own days are not counted again.
        using (var todayRun = await client.PostAsync($"/ops/aggregations/{today:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, todayRun.StatusCode);
        }
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(client, today, TimeSpan.FromMinutes(4))).GetProperty("status").GetString());
        var todays = await PublishedAsync(today);
        Assert.Equal(0, todays["events"]!["folded"]!.GetValue<long>());
        Assert.Null(todays["manifest"]!["asOf"]);
    }

    private async Task<JsonNode> PublishedAsync(DateOnly day)
    {
        var blob = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobClient($"{day:yyyy-MM-dd}/report.json");
        return GeneratedRawData.Comparable((await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    private async Task<long> FoldedAsync(DateOnly from, DateOnly to)
    {
        long folded = 0;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            folded += (await PublishedAsync(day))["events"]!["folded"]!.GetValue<long>();
        }
        return folded;
    }

    /// <summary>Every event in raw storage, once ProcessEvents has written <paramref name="expected"/> of them.</summary>
    private async Task<List<ProductEvent>> StoredEventsAsync(int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var raw = _azurite.Storage.Blobs.GetBlobContainerClient(StorageNames.RawContainer);
        while (true)
        {
            var events = new List<ProductEvent>();
            await foreach (var item in raw.GetBlobsAsync())
            {
                var content = await raw.GetBlobClient(item.Name).DownloadContentAsync();
                events.AddRange(ProductEventReader.Read(content.Value.Content.ToStream(), item.Name, gzip: true, []));
            }
            if (events.Count >= expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, events.Count);
                return events;
            }
            await Task.Delay(500);
        }
    }
}
