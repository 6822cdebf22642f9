using System.Net;
using System.Text;
using System.Text.Json;
using Funnel.Storage;
using Funnel.Storage.Ingest;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>What a day's run publishes beside the report: the ingest refusal counters in <c>dataQuality</c>, and the audience files.</summary>
[Collection(AggregationOnAzurite.Name)]
public class PublishedFilesTests(AggregationFixture fixture)
{
    [Fact]
    public async Task The_report_carries_the_days_refusal_counters_and_audience_files_list_exactly_the_persons_it_counts()
    {
        var day = fixture.Data.Days[0];
        var counters = new TableIngestRefusalCounters(fixture.Storage.Tables);
        var otherDay = fixture.Data.Days[^1].AddDays(30);
        await counters.AddAsync(day, "request.malformed", 4, CancellationToken.None);
        await counters.AddAsync(day, "event.timestamp", 9, CancellationToken.None);
        await counters.AddAsync(otherDay, "request.tooLarge", 2, CancellationToken.None);
        try
        {
            await RunAsync(day);
            await CheckAsync(day);
        }
        finally
        {
            // The other tests of this fixture compare the fixture's days with reports computed without counters.
            var table = fixture.Storage.Tables.GetTableClient(StorageNames.IngestRefusalsTable);
            foreach (var (partition, row) in new[] { (day, "request.malformed"), (day, "event.timestamp"), (otherDay, "request.tooLarge") })
            {
                await table.DeleteEntityAsync(partition.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), TableIngestRefusalCounters.RowKeyOf(row));
            }
            await RunAsync(day);
        }
    }

    private async Task CheckAsync(DateOnly day)
    {
        var reports = fixture.Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        async Task<string> TextAsync(string name) => (await reports.GetBlobClient($"{day:yyyy-MM-dd}/{name}").DownloadContentAsync()).Value.Content.ToString();
        using var report = JsonDocument.Parse(await TextAsync("report.json"));
        var rejected = report.RootElement.GetProperty("dataQuality").GetProperty("rejectedAtIngest").EnumerateArray()
            .Select(r => (r.GetProperty("reason").GetString(), r.GetProperty("count").GetInt64())).ToList();
        Assert.Equal([("event.timestamp", 9L), ("request.malformed", 4L)], rejected);

        var stages = report.RootElement.GetProperty("lifecycle").GetProperty("stages");
        var layers = report.RootElement.GetProperty("layers");
        var listed = report.RootElement.GetProperty("audiences").EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => (Persons: a.GetProperty("persons").GetInt64(), File: a.GetProperty("file").GetString(), Action: a.GetProperty("action")));
        var audiences = new[]
        {
            ("high-intent", "intentAt", report.RootElement.GetProperty("highIntent").GetProperty("persons").GetInt64()),
            ("churn-warning", "lastActiveDay", stages.GetProperty("churnWarning").GetInt64()),
            ("win-back", "lastActiveDay", stages.GetProperty("churned").GetInt64()),
            ("new-users", "signupDay", layers.GetProperty("new").GetInt64()),
            ("active-never-paid", "lastActiveDay", layers.GetProperty("activeNeverPaid").GetInt64()),
            ("high-value", "revenue90", layers.GetProperty("highValue").GetInt64()),
            ("activated-no-purchase-3d", "activatedAt", listed["activated-no-purchase-3d"].Persons),
            ("first-purchase-no-repurchase-7d", "firstPurchaseAt", listed["first-purchase-no-repurchase-7d"].Persons),
        };
        Assert.Contains(audiences, a => a.Item3 > 0);
        // The report lists every file with its persons and a suggested action in both languages.
        Assert.Equal(audiences.Select(a => a.Item1).Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.All(audiences, a => Assert.Equal((a.Item3, $"audiences/{a.Item1}.csv"), (listed[a.Item1].Persons, listed[a.Item1].File)));
        Assert.All(listed.Values, a => Assert.True(a.Action.GetProperty("zh-CN").GetString()!.Length > 0 && a.Action.GetProperty("en").GetString()!.Length > 0));
        foreach (var (name, fact, persons) in audiences)
        {
            var bytes = (await reports.GetBlobClient($"{day:yyyy-MM-dd}/audiences/{name}.csv").DownloadContentAsync()).Value.Content.ToArray();
            Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()), $"{name}.csv starts with a UTF-8 BOM");
            var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal($"person,{fact}", lines[0]);
            Assert.Equal(persons, lines.Length - 1);
            Assert.All(lines.Skip(1), l => Assert.Equal(2, l.Split(',').Length));
            Assert.Equal(lines.Skip(1).Count(), lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());

            // The reports API serves the same bytes to a read key, and nothing without one.
            using var reader = new HttpClient { BaseAddress = fixture.Client.BaseAddress };
            using var anonymous = await reader.GetAsync($"/reports/{day:yyyy-MM-dd}/audiences/{name}.csv");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AggregationFixture.ReadKey);
            using var served = await reader.GetAsync($"/reports/{day:yyyy-MM-dd}/audiences/{name}.csv");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("text/csv", served.Content.Headers.ContentType!.MediaType);
            Assert.Equal(bytes, await served.Content.ReadAsByteArrayAsync());
        }
        using var api = new HttpClient { BaseAddress = fixture.Client.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AggregationFixture.ReadKey);
        using var unknown = await api.GetAsync($"/reports/{day:yyyy-MM-dd}/audiences/everyone.csv");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("\"file\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Runs the day again, waiting out a run another test started.</summary>
    private async Task RunAsync(DateOnly day)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            using var started = await fixture.Client.PostAsync($"/ops/aggregations/{day:yyyy-MM-dd}", null);
            await AggregationFixture.WaitForDayAsync(fixture.Client, day, TimeSpan.FromMinutes(2));
            if (started.StatusCode == HttpStatusCode.Accepted)
            {
                return;
            }
            Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        }
        Assert.Fail($"could not start a run of {day:yyyy-MM-dd}");
    }
}
