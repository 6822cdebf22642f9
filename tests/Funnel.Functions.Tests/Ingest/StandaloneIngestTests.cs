using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Funnel.Storage;
using Moq;

namespace Funnel.Functions.Tests.Ingest;

/// <summary>The Segment HTTP API as the standalone host serves it, with the queue sender mocked.</summary>
public class StandaloneIngestTests : IAsyncLifetime
{
    private StandaloneHost _host = null!;

    public Task InitializeAsync()
    {
        _host = StandaloneHost.Start(new() { ["Ingest:MaxConcurrentEnqueues"] = "1", ["Ingest:QueueWait"] = "00:00:00.200" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static HttpRequestMessage Post(string path, string json, string? key = StandaloneHost.WriteKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(StandaloneHost.Basic(key));
        }
        return request;
    }

    [Fact]
    public async Task Accepted_events_are_enqueued_on_the_events_queue_before_the_200()
    {
        using var response = await _host.Client.SendAsync(Post("/v1/batch", """{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m1"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (queue, messages) = Assert.Single(_host.Sent);
        Assert.Equal(StorageNames.EventsQueue, queue);
        Assert.Contains("\"m1\"", Assert.Single(messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_queue_fails_the_client_gets_503_with_Retry_After_and_nothing_is_acknowledged()
    {
        _host.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("queue unreachable"));
        using var response = await _host.Client.SendAsync(Post("/v1/track", """{"event":"A","userId":"u1"}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task When_enqueues_pile_up_the_client_gets_429_with_Retry_After()
    {
        var release = new TaskCompletionSource();
        _host.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Returns(() => release.Task);
        var slow = _host.Client.SendAsync(Post("/v1/track", """{"event":"A","userId":"u1"}"""));
        await Task.Delay(100);
        using var refused = await _host.Client.SendAsync(Post("/v1/track", """{"event":"B","userId":"u2"}"""));
        release.SetResult();
        using var first = await slow;

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Fact]
    public async Task A_body_over_500_KB_is_refused_with_413_without_reading_it_all()
    {
        var huge = "{\"batch\":[" + string.Join(",", Enumerable.Repeat("""{"type":"track","event":"A","userId":"u1"}""", 20_000)) + "]}";
        using var response = await _host.Client.SendAsync(Post("/v1/batch", huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_host.Sent);
    }

    [Fact]
    public async Task Browsers_get_CORS_preflight_answers()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/t");
        preflight.Headers.Add("Origin", "https://shop.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await _host.Client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task The_host_readiness_probe_on_root_answers()
    {
        using var response = await _host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_v1_path_is_a_404_naming_the_path()
    {
        using var response = await _host.Client.SendAsync(Post("/v1/purchase", """{"event":"A","userId":"u1"}"""));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("/v1/purchase", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepted_and_refused_events_are_counted_as_metrics()
    {
        var measured = new List<(string Instrument, long Value, string? Tag)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Funnel.Functions.Telemetry.PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measured)
            {
                measured.Add((instrument.Name, value, tags.Length > 0 ? tags[0].Value?.ToString() : null));
            }
        });
        listener.Start();

        using (await _host.Client.SendAsync(Post("/v1/batch", """{"batch":[{"type":"track","event":"A","userId":"u1"},{"type":"track","event":"B","userId":"u1"},{"type":"track","userId":"u2"}]}"""))) { }
        using (await _host.Client.SendAsync(Post("/v1/batch", """{"batch":[]}""", key: "wrong"))) { }

        lock (measured)
        {
            Assert.Contains(("funnel.ingest.events.accepted", 2L, (string?)null), measured);
            Assert.Contains(("funnel.ingest.events.rejected", 1L, "event"), measured);
            Assert.Contains(("funnel.ingest.requests.refused", 1L, "Unauthenticated"), measured);
        }
    }
}
