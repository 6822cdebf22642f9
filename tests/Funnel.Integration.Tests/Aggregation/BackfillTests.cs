using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Storage;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>The daily run through the standalone host: a backfill over the ops API writes the same reports the offline engine computes.</summary>
[Collection(AggregationOnAzurite.Name)]
public class BackfillTests(AggregationFixture fixture)
{
    [Fact]
    public async Task A_backfill_of_45_days_writes_every_report_as_funnel_aggregate_computes_it()
    {
        var (first, last) = (fixture.Data.Days[0], fixture.Data.Days[^1]);
        using var started = await fixture.Client.PostAsync($"/ops/aggregations?from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var accepted = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith($"/ops/aggregations/{last:yyyy-MM-dd}", accepted.GetProperty("statusUrl").GetString(), StringComparison.Ordinal);

        var status = await AggregationFixture.WaitForDayAsync(fixture.Client, last, TimeSpan.FromMinutes(8));
        var firstRunStarted = status.GetProperty("startedAt").GetDateTimeOffset();
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        Assert.Equal(AggregationFixture.Shards, status.GetProperty("shardsDone").GetInt32());

        var reference = fixture.Data.ReferenceReports();
        var reports = fixture.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        var differing = new List<string>();
        foreach (var day in fixture.Data.Days)
        {
            var blob = await reports.GetBlobClient($"{day:yyyy-MM-dd}/report.json").DownloadContentAsync();
            if (!JsonNode.DeepEquals(reference[day], GeneratedRawData.Comparable(blob.Value.Content.ToString())))
            {
                differing.Add($"{day:yyyy-MM-dd}");
            }
        }
        Assert.Empty(differing);
        var latest = await reports.GetBlobClient("latest/report.json").DownloadContentAsync();
        Assert.True(JsonNode.DeepEquals(reference[last], GeneratedRawData.Comparable(latest.Value.Content.ToString())));

        // The last ten days backfilled again (devices linked on them link again, from the states before them): the same reports.
        var again = fixture.Data.Days[^10];
        var firstReports = new Dictionary<DateOnly, string>();
        foreach (var day in fixture.Data.Days.Where(d => d >= again))
        {
            firstReports[day] = (await reports.GetBlobClient($"{day:yyyy-MM-dd}/report.json").DownloadContentAsync()).Value.Content.ToString();
        }
        using (var rerun = await fixture.Client.PostAsync($"/ops/aggregations?from={again:yyyy-MM-dd}&to={last:yyyy-MM-dd}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, rerun.StatusCode);
        }
        // The status of the range's last day shows the new run at once, not the first run's Completed.
        var atOnce = await fixture.Client.GetFromJsonAsync<JsonElement>($"/ops/aggregations/{last:yyyy-MM-dd}");
        Assert.Contains(atOnce.GetProperty("status").GetString(), new[] { "Pending", "Running" });
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(fixture.Client, last, TimeSpan.FromMinutes(4), firstRunStarted)).GetProperty("status").GetString());
        foreach (var (day, json) in firstReports)
        {
            var rerunJson = (await reports.GetBlobClient($"{day:yyyy-MM-dd}/report.json").DownloadContentAsync()).Value.Content.ToString();
            Assert.True(JsonNode.DeepEquals(GeneratedRawData.Comparable(json), GeneratedRawData.Comparable(rerunJson)), $"the report of {day:yyyy-MM-dd} changed when the day was backfilled again");
        }
    }

    [Fact]
    public async Task The_ops_API_refuses_a_missing_or_unknown_key_and_names_bad_fields()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Client.BaseAddress };
        using (var response = await anonymous.GetAsync("/ops/aggregations/2026-08-01"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        anonymous.DefaultRequestHeaders.Add("x-functions-key", "guess");
        using (var response = await anonymous.PostAsync("/ops/aggregations/2026-08-01", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("unknown function key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var response = await fixture.Client.PostAsync("/ops/aggregations?from=2026-08-10&to=2026-08-01", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("to", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
        using (var response = await fixture.Client.PostAsync("/ops/aggregations/2026-13-01", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        using (var response = await fixture.Client.GetAsync("/ops/aggregations/2020-01-01"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
