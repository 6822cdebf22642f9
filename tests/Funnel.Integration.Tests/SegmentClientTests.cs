using Funnel.Simulation;

namespace Funnel.Integration.Tests;

/// <summary>
/// Events posted by real Node client SDKs arrive in raw storage, each exactly once: the Segment client
/// (JSON labelled application/json) and the RudderStack client (gzip JSON that its HTTP library labels
/// application/x-www-form-urlencoded; the body is JSON whatever the label says).
/// </summary>
[Collection(PipelineOnAzurite.Name)]
public class SegmentClientTests(PipelineFixture pipeline)
{
    [Fact]
    public Task Every_event_sent_by_analytics_node_is_in_raw_storage_exactly_once() =>
        SendAndFindEveryEventOnceAsync("segment", "@segment/analytics-node");

    [Fact]
    public Task Every_event_sent_by_the_RudderStack_node_sdk_is_in_raw_storage_exactly_once() =>
        SendAndFindEveryEventOnceAsync("rudderstack", "analytics-node");

    private async Task SendAndFindEveryEventOnceAsync(string sdk, string libraryName)
    {
        var runId = sdk + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("node-client-").FullName;
        var calls = Path.Combine(dir, "calls.ndjson");
        var ids = Path.Combine(dir, "ids.txt");
        await File.WriteAllLinesAsync(calls, SegmentCalls.Journeys(persons: 1000, days: 3, DateTimeOffset.UtcNow.AddMinutes(-1), seed: 7).Select(c => c.ToJsonString()));

        var (exitCode, output) = await ProcessRunner.RunAsync("node", [RepoPaths.Of("tools", "node", "send-events.mjs"),
            "--sdk", sdk, "--host", pipeline.BaseAddress.ToString().TrimEnd('/'), "--write-key", PipelineFixture.WriteKey,
            "--in", calls, "--ids-out", ids, "--run-id", runId, "--flush-at", "100"], timeout: TimeSpan.FromMinutes(3));
        Assert.True(exitCode == 0, $"send-events.mjs --sdk {sdk} failed: {output}");

        var sent = (await File.ReadAllLinesAsync(ids)).Where(l => l.Length > 0).ToList();
        Assert.True(sent.Count > 1000, $"only {sent.Count} events were generated");
        var raw = await pipeline.SettledRawEventsAsync(runId, sent.Count);
        var stored = raw.Select(r => r.Event.GetProperty("messageId").GetString()!).ToList();

        // A client that re-sends a batch it timed out on may leave a second raw copy of a message; the fold drops it
        // by message id. What must hold: every sent event is stored, nothing else is, and no message more than twice.
        Assert.Equal(sent.Order(StringComparer.Ordinal), stored.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        Assert.All(stored.GroupBy(id => id, StringComparer.Ordinal), g => Assert.InRange(g.Count(), 1, 2));
        Assert.All(raw, r =>
        {
            Assert.True(r.Event.TryGetProperty("receivedAt", out _));
            Assert.Equal(libraryName, r.Event.GetProperty("context").GetProperty("library").GetProperty("name").GetString());
        });
    }
}
