using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Funnel.Engine.Processing;
using Funnel.Events.Ingest;
using Funnel.Storage.Ingest;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Integration.Tests;

/// <summary>The Ingest function counts what it refuses, per reporting day and reason, in the IngestRefusals table.</summary>
[Collection(PipelineOnAzurite.Name)]
public class RefusalCountingTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Refused_requests_and_invalid_events_of_accepted_batches_reach_the_days_counters_and_busy_answers_do_not()
    {
        var tally = pipeline.Services.GetRequiredService<IngestRefusalTally>();
        var day = pipeline.Services.GetRequiredService<ReportingClock>().DayOf(DateTimeOffset.UtcNow);
        var counters = new TableIngestRefusalCounters(new TableServiceClient(pipeline.Azurite.ConnectionString));
        await WaitAsync(() => Task.FromResult(tally.IsEmpty), "earlier tests' counts to be flushed");
        var before = await CountsAsync(counters, day);

        for (var i = 0; i < 3; i++)
        {
            using var notJson = await pipeline.Client.SendAsync(Ingest.Request("/v1/batch", Encoding.UTF8.GetBytes("{not json"), Ingest.Basic(PipelineFixture.WriteKey)));
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }
        using (var unknownKey = await pipeline.Client.SendAsync(Ingest.Request("/v1/batch", Encoding.UTF8.GetBytes(Ingest.TrackBatch("refusals", 1)), Ingest.Basic("not-a-key"))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        }
        var prefix = "refused" + Guid.NewGuid().ToString("N")[..8];
        var mixed = $$"""{"batch":[{"type":"track","event":"Product Viewed","userId":"{{prefix}}-u","messageId":"{{prefix}}-1"},{"type":"track","event":"Product Viewed","userId":"{{prefix}}-u","messageId":"{{prefix}}-2","timestamp":"yesterday"},{"type":"track","event":"Product Viewed","userId":"{{prefix}}-u","messageId":"{{prefix}}-3","timestamp":"later"}]}""";
        using var accepted = await pipeline.Client.SendAsync(Ingest.Batch(mixed));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var answer = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var fields = answer.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Equal(2, fields.Count);
        var field = Assert.Single(fields.Distinct());

        var expected = new Dictionary<string, long>(before)
        {
            ["request.malformed"] = before.GetValueOrDefault("request.malformed") + 3,
            ["request.unauthenticated"] = before.GetValueOrDefault("request.unauthenticated") + 1,
            [$"event.{field}"] = before.GetValueOrDefault($"event.{field}") + 2,
        };
        await WaitAsync(async () => tally.IsEmpty && (await CountsAsync(counters, day)).OrderBy(c => c.Key).SequenceEqual(expected.OrderBy(c => c.Key)),
            $"the counters to show {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}");
    }

    private static async Task<Dictionary<string, long>> CountsAsync(TableIngestRefusalCounters counters, DateOnly day) =>
        (await counters.ReadAsync(day, CancellationToken.None)).ToDictionary(c => c.Reason, c => c.Count);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
