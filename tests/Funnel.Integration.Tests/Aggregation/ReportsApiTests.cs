using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Funnel.Storage;
using Funnel.Storage.Keys;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>The reports API through the standalone host: read keys only, files with ETags, series from DailyMetrics, clear 404s.</summary>
[Collection(AggregationOnAzurite.Name)]
public class ReportsApiTests(AggregationFixture fixture)
{
    private HttpClient Reader(string? key)
    {
        var client = new HttpClient { BaseAddress = fixture.Client.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    private async Task<DateOnly> ReportedDayAsync()
    {
        var day = fixture.Data.Days[0];
        using var started = await fixture.Client.PostAsync($"/ops/aggregations/{day:yyyy-MM-dd}", null);
        Assert.True(started.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict);
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(fixture.Client, day, TimeSpan.FromMinutes(2))).GetProperty("status").GetString());
        return day;
    }

    [Fact]
    public async Task A_read_key_fetches_the_list_each_file_and_a_metric_series()
    {
        var day = await ReportedDayAsync();
        using var reader = Reader(AggregationFixture.ReadKey);

        var index = await reader.GetFromJsonAsync<JsonElement>("/reports");
        var entry = index.GetProperty("reports").EnumerateArray().Single(r => r.GetProperty("day").GetString() == $"{day:yyyy-MM-dd}");
        Assert.EndsWith($"/reports/{day:yyyy-MM-dd}/report.html", entry.GetProperty("links").GetProperty("html").GetString(), StringComparison.Ordinal);

        foreach (var (file, type) in new[] { ("report.json", "application/json"), ("report.csv", "text/csv"), ("report.html", "text/html") })
        {
            using var response = await reader.GetAsync($"/reports/{day:yyyy-MM-dd}/{file}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.NotNull(response.Headers.ETag);
            Assert.Contains("no-cache", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }
        var report = await reader.GetFromJsonAsync<JsonElement>($"/reports/{day:yyyy-MM-dd}/report.json");
        var series = await reader.GetFromJsonAsync<JsonElement>($"/metrics/activity.dau?from={day:yyyy-MM-dd}&to={day.AddDays(3):yyyy-MM-dd}");
        var point = series.GetProperty("points").EnumerateArray().Single(p => p.GetProperty("day").GetString() == $"{day:yyyy-MM-dd}");
        Assert.Equal(report.GetProperty("activity").GetProperty("dau").GetDouble(), point.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task The_ETag_round_trip_answers_304()
    {
        var day = await ReportedDayAsync();
        using var reader = Reader(AggregationFixture.ReadKey);
        using var first = await reader.GetAsync($"/reports/{day:yyyy-MM-dd}/report.csv");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/reports/{day:yyyy-MM-dd}/report.csv");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await reader.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task No_key_a_write_key_and_a_revoked_key_are_refused_and_a_read_key_is_refused_at_ingest()
    {
        var keys = new TableKeyDirectory(fixture.Storage.Tables, StorageNames.ReadKeysTable, [], TimeProvider.System);
        var stored = "rk_stored_" + Guid.NewGuid().ToString("N");
        await keys.AddAsync(stored, "integration", CancellationToken.None);
        var revoked = "rk_revoked_" + Guid.NewGuid().ToString("N");
        var id = await keys.AddAsync(revoked, "integration", CancellationToken.None);
        Assert.True(await keys.RevokeAsync(id, CancellationToken.None));

        foreach (var key in new[] { null, AggregationFixture.WriteKey, revoked, "made-up" })
        {
            using var reader = Reader(key);
            using var response = await reader.GetAsync("/reports");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Authorization", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
        using (var reader = Reader(stored))
        {
            Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/reports")).StatusCode);
        }

        using var ingest = new HttpRequestMessage(HttpMethod.Post, "/v1/track") { Content = new StringContent("""{"event":"A","userId":"u1"}""", Encoding.UTF8, "application/json") };
        ingest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AggregationFixture.ReadKey + ":")));
        using var refused = await fixture.Client.SendAsync(ingest);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task An_unknown_day_or_file_is_a_404_naming_it()
    {
        using var reader = Reader(AggregationFixture.ReadKey);
        using var day = await reader.GetAsync("/reports/2020-01-01/report.json");
        Assert.Equal(HttpStatusCode.NotFound, day.StatusCode);
        Assert.Contains("2020-01-01", await day.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var file = await reader.GetAsync("/reports/2020-01-01/secrets.txt");
        Assert.Equal(HttpStatusCode.NotFound, file.StatusCode);
        Assert.Equal("file", (await file.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        using var metric = await reader.GetAsync("/metrics/nonsense");
        Assert.Equal(HttpStatusCode.NotFound, metric.StatusCode);
    }

    [Fact]
    public async Task A_series_ending_on_the_calendars_first_day_is_empty_not_an_error()
    {
        using var reader = Reader(AggregationFixture.ReadKey);
        using var series = await reader.GetAsync("/metrics/activity.dau?to=0001-01-01");
        Assert.Equal(HttpStatusCode.OK, series.StatusCode);
        var body = await series.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("0001-01-01", body.GetProperty("from").GetString());
        using var reversed = await reader.GetAsync("/metrics/activity.dau?from=9999-12-31&to=0001-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
    }
}
