using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Funnel.Integration.Tests.Aggregation;
using Funnel.Storage;

namespace Funnel.Integration.Tests.Privacy;

/// <summary>An erasure request through the standalone host against Azurite, end to end.</summary>
public class ErasureTests
{
    [Fact]
    public async Task After_the_request_and_the_next_run_nothing_stored_mentions_the_person_everyone_else_is_intact_and_the_report_equals_the_oracle_without_them()
    {
        await using var scenario = await ErasureScenario.StartAsync(days: 12);
        var days = scenario.Data.Days;
        var theirDays = scenario.UploadedRawLines().Where(b => b.Value.Any(l => scenario.IsPersons(ErasureScenario.PersonOf(l))))
            .Select(b => b.Key.Split('/')[1]).Distinct().Count();
        Assert.True(theirDays >= 10, $"the person has events on {theirDays} days");
        var theirLines = scenario.UploadedRawLines().Values.SelectMany(l => l).Count(l => scenario.IsPersons(ErasureScenario.PersonOf(l)));
        var theirBlobs = scenario.UploadedRawLines().Count(b => b.Value.Any(l => scenario.IsPersons(ErasureScenario.PersonOf(l))));

        await scenario.RunDaysAsync(days[0], days[^2]);
        var published = await scenario.ReadAllBlobsAsync();

        // Their links: the one the scenario stored, and the ones the daily runs stored from their identify calls.
        var theirLinks = 0;
        await foreach (var _ in scenario.Tables.GetTableClient(StorageNames.IdentityLinksTable).QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"UserId eq {scenario.Person}")))
        {
            theirLinks++;
        }
        Assert.True(theirLinks >= 2, $"{theirLinks} links of the person before the erasure");

        var accepted = await scenario.RequestErasureAsync(new { userId = scenario.Person });
        var id = accepted.GetProperty("id").GetString()!;
        Assert.Equal("Pending", accepted.GetProperty("status").GetString());
        Assert.Equal(theirLinks, accepted.GetProperty("removed").GetProperty("identityLinks").GetInt32());
        Assert.DoesNotContain(scenario.Person, accepted.GetRawText(), StringComparison.Ordinal);
        // The same person asked again while the request is pending: the same request, so nothing is counted twice.
        Assert.Equal(id, (await scenario.RequestErasureAsync(new { userId = scenario.Person })).GetProperty("id").GetString());
        Assert.Equal(id, (await scenario.RequestErasureAsync(new { anonymousId = ErasureScenario.Device })).GetProperty("id").GetString());

        // From acceptance on, their new events (as the user or from the linked device) are acknowledged and not stored.
        using (var ingest = new HttpRequestMessage(HttpMethod.Post, "/v1/batch"))
        {
            ingest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AggregationFixture.WriteKey + ":")));
            ingest.Content = new StringContent(
                $$"""{"batch":[{"type":"track","event":"Order Completed","userId":"{{scenario.Person}}"},{"type":"page","anonymousId":"{{ErasureScenario.Device}}"}]}""",
                Encoding.UTF8, "application/json");
            using var answer = await scenario.Client.SendAsync(ingest);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(2, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        }

        await scenario.RunDaysAsync(days[^1], days[^1]);

        var status = await scenario.ErasureAsync(id);
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        var removed = status.GetProperty("removed");
        Assert.Equal(theirLines, removed.GetProperty("rawEvents").GetInt64());
        Assert.Equal(theirBlobs, removed.GetProperty("rawBlobs").GetInt32());
        Assert.True(removed.GetProperty("snapshots").GetInt32() >= theirDays, status.GetRawText());
        Assert.True(removed.GetProperty("partials").GetInt32() >= theirDays, status.GetRawText());
        // The two files the scenario seeded, and every day's audience list a run wrote while they were counted (latest/ is
        // rewritten by the last run, which no longer counts them).
        var audienceFiles = published.Count(b => b.Key.StartsWith($"{StorageNames.ReportsContainer}/", StringComparison.Ordinal) && !b.Key.Contains("/report.", StringComparison.Ordinal)
            && !b.Key.StartsWith($"{StorageNames.ReportsContainer}/latest/", StringComparison.Ordinal)
            && Encoding.UTF8.GetString(b.Value) is var text && (text.Contains(scenario.Person, StringComparison.Ordinal) || scenario.Devices.Any(d => text.Contains(d, StringComparison.Ordinal))));
        Assert.True(audienceFiles >= 2, $"{audienceFiles} audience files name the person");
        // Among them the lists that came with suggested actions (new users, active never paid), rewritten like the rest.
        Assert.Contains(published, b => (b.Key.EndsWith("/audiences/new-users.csv", StringComparison.Ordinal) || b.Key.EndsWith("/audiences/active-never-paid.csv", StringComparison.Ordinal))
            && Encoding.UTF8.GetString(b.Value).Contains(scenario.Person, StringComparison.Ordinal));
        Assert.Equal(audienceFiles, removed.GetProperty("audienceFiles").GetInt32());
        Assert.Equal(theirLinks, removed.GetProperty("identityLinks").GetInt32());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("remaining").ValueKind);

        await scenario.AssertPersonGoneAndOthersKeptAsync();
        Assert.True(JsonNode.DeepEquals(scenario.OracleWithoutPerson(days[^1]), await scenario.PublishedReportAsync(days[^1])), "the report after the erasure differs from the oracle over the data without the person");

        // Reports already published stay as published.
        var after = await scenario.ReadAllBlobsAsync();
        foreach (var day in days.SkipLast(1))
        {
            foreach (var file in new[] { "report.json", "report.csv", "report.html" })
            {
                var name = $"{StorageNames.ReportsContainer}/{day:yyyy-MM-dd}/{file}";
                Assert.Equal(published[name], after[name]);
            }
        }
    }

    [Fact]
    public async Task A_request_names_one_id_and_an_unknown_request_is_not_found()
    {
        await using var scenario = await ErasureScenario.StartAsync(days: 2);
        foreach (var (body, field) in new (string, string)[]
        {
            ("{}", "userId"),
            ("""{"userId":"a","anonymousId":"b"}""", "userId"),
            ("""{"anonymousId":42}""", "anonymousId"),
            ("""{"userId":"   "}""", "userId"),
            ("[1]", "body"),
            ("not json", "body"),
            ("""{"userId":"a","userId":"b"}""", "body"),
        })
        {
            using var response = await scenario.Client.PostAsync("/ops/privacy/erasures", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
        // A body over the limit is refused by the bytes read, also when it comes chunked, without a Content-Length.
        var large = new string(' ', 200_000) + """{"userId":"x"}""";
        using (var chunked = new HttpRequestMessage(HttpMethod.Post, "/ops/privacy/erasures") { Content = new ChunkedContent(Encoding.UTF8.GetBytes(large)) })
        {
            using var tooLarge = await scenario.Client.SendAsync(chunked);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("body", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
        }
        // A Host header sent by the caller never becomes a link: the status URL is a path then.
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "/ops/privacy/erasures") { Content = new StringContent("""{"anonymousId":"host-test-device"}""", Encoding.UTF8, "application/json") })
        {
            forged.Headers.Host = "evil.example";
            using var answer = await scenario.Client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            var statusUrl = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusUrl").GetString()!;
            Assert.StartsWith("/ops/privacy/erasures/", statusUrl, StringComparison.Ordinal);
        }
        using (var unknown = await scenario.Client.GetAsync("/ops/privacy/erasures/0123456789abcdef0123456789abcdef"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using var anonymous = new HttpClient { BaseAddress = scenario.Client.BaseAddress };
        using var refused = await anonymous.PostAsync("/ops/privacy/erasures", new StringContent("""{"userId":"x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}

/// <summary>A request body sent chunked: no Content-Length header, as a client streaming its body would send it.</summary>
internal sealed class ChunkedContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
