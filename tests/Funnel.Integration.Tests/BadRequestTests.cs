using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Funnel.Integration.Tests;

/// <summary>Bad input gets the documented 4xx naming the field and reason, and never disturbs accepted events.</summary>
[Collection(PipelineOnAzurite.Name)]
public class BadRequestTests(PipelineFixture pipeline)
{
    [Fact]
    public void The_corpus_covers_at_least_40_distinct_bad_requests() =>
        Assert.True(BadRequestCorpus.For(PipelineFixture.WriteKey).Select(c => c.Name).Distinct().Count() >= 40);

    [Fact]
    public async Task Every_bad_request_gets_its_documented_status_and_reason_while_good_events_around_them_all_arrive()
    {
        var prefix = "corpus" + Guid.NewGuid().ToString("N")[..8];
        using (var before = await pipeline.Client.SendAsync(Ingest.Batch(Ingest.TrackBatch(prefix, 30))))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var mismatches = new List<string>();
        foreach (var bad in BadRequestCorpus.For(PipelineFixture.WriteKey))
        {
            using var response = await pipeline.Client.SendAsync(Ingest.Request(bad.Path, bad.Body, bad.Authorization, bad.ContentType, bad.ContentEncoding));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var errors = body.GetProperty("errors").EnumerateArray().ToList();
            if ((int)response.StatusCode != bad.Status)
            {
                mismatches.Add($"{bad.Name}: status {(int)response.StatusCode}, expected {bad.Status}: {body}");
            }
            else if (body.GetProperty("success").GetBoolean() || body.GetProperty("accepted").GetInt32() != 0)
            {
                mismatches.Add($"{bad.Name}: claims success: {body}");
            }
            else if (!errors.Any(e => e.GetProperty("field").GetString() == bad.Field && e.GetProperty("reason").GetString()!.Length > 5))
            {
                mismatches.Add($"{bad.Name}: no error naming field '{bad.Field}' with a reason: {body}");
            }
        }

        using (var after = await pipeline.Client.SendAsync(Ingest.Batch(Ingest.TrackBatch(prefix, 30, firstIndex: 30))))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        Assert.Empty(mismatches);
        var raw = await pipeline.SettledRawEventsAsync(prefix, 60);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"{prefix}-{i}").Order(StringComparer.Ordinal), raw.Select(r => r.Event.GetProperty("messageId").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_batch_mixing_good_and_bad_events_keeps_the_good_ones()
    {
        var prefix = "mixed" + Guid.NewGuid().ToString("N")[..8];
        var json = "{\"batch\":[" +
            $"{{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"messageId\":\"{prefix}-0\"}}," +
            "{\"type\":\"track\",\"userId\":\"u1\"}," +
            $"{{\"type\":\"page\",\"anonymousId\":\"a1\",\"messageId\":\"{prefix}-2\"}}]}}";
        using var response = await pipeline.Client.SendAsync(Ingest.Batch(json));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("errors")[0].GetProperty("index").GetInt32());
        Assert.Equal(2, (await pipeline.SettledRawEventsAsync(prefix, 2)).Count);
    }
}
