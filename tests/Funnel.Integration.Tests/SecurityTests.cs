using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Funnel.Standalone;
using Funnel.Standalone.Functions;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Funnel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests;

/// <summary>
/// Nothing internal is reachable or shown: no invocation route for the queue, timer or Durable functions,
/// queue messages cannot point ProcessEvents at another blob, huge headers are refused cleanly, every answer
/// says nosniff and names no server, and when storage fails the answer is our reason, never storage's.
/// </summary>
[Collection(PipelineOnAzurite.Name)]
public class SecurityTests(PipelineFixture pipeline)
{
    private const string ReadKey = "security-tests-read-key";
    private const string AdminKey = "security-tests-admin-key";

    /// <summary>Words that only storage's own errors carry.</summary>
    private static readonly string[] StorageInternals =
        ["x-ms-", "RequestFailedException", "devstoreaccount1", "ErrorCode", "Status:", "Headers:", "Azure.", "Content-Length", "at Funnel", "127.0.0.1"];

    [Fact]
    public async Task No_function_without_an_HTTP_trigger_can_be_invoked_over_HTTP()
    {
        var prefix = "forged" + Guid.NewGuid().ToString("N")[..8];
        var forged = $"{{\"batchId\":\"{prefix}\",\"receivedAt\":\"2020-01-01T00:00:00.000Z\",\"events\":[{{\"type\":\"track\",\"event\":\"X\",\"userId\":\"u\",\"messageId\":\"{prefix}-0\"}}]}}";
        var internalFunctions = AppFunction.In(StandaloneApp.FunctionApp).Where(f => f.Trigger is not Microsoft.Azure.Functions.Worker.HttpTriggerAttribute).Select(f => f.Name).ToList();
        Assert.Contains("ProcessEvents", internalFunctions);

        foreach (var path in internalFunctions.SelectMany(name => new[] { $"/{name}", $"/api/{name}", $"/runtime/webhooks/{name}" }).Append("/Ingest"))
        {
            foreach (var contentType in new[] { "text/plain", "application/json" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(new { Data = new { message = forged } }), Encoding.UTF8, contentType) };
                request.Headers.Add("Origin", "https://evil.example");
                using var response = await pipeline.Client.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"POST {path} answered {(int)response.StatusCode}");
            }
        }
        await pipeline.WaitForEventsQueueToDrainAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await pipeline.RawEventsAsync(prefix));
    }

    [Theory]
    [InlineData("../raw/2020-01-01/shard-00/victim.ndjson.gz")]
    [InlineData("..%2Fraw%2Fvictim")]
    [InlineData("/raw/victim.json")]
    [InlineData("sub/dir.json")]
    [InlineData("https://elsewhere.example/x.json")]
    public async Task A_queue_message_whose_payloadBlob_leaves_the_overflow_container_is_parked_unread(string payloadBlob)
    {
        var prefix = "claim" + Guid.NewGuid().ToString("N")[..8];
        var message = JsonSerializer.Serialize(new { batchId = prefix, payloadBlob });
        await new StorageQueueSender(pipeline.Storage.Queues, TimeProvider.System).SendAsync(StorageNames.EventsQueue, [message], CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        PoisonMessage? parked = null;
        while (parked is null && DateTime.UtcNow < deadline)
        {
            parked = (await pipeline.Events.PeekPoisonAsync(32, CancellationToken.None)).FirstOrDefault(p => p.Body.Contains(prefix, StringComparison.Ordinal));
            await Task.Delay(100);
        }
        Assert.NotNull(parked);
        Assert.StartsWith("malformed message: payloadBlob must name a blob of the ingest-overflow container", parked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_headers_are_refused_with_431_and_the_app_keeps_serving()
    {
        using var request = Ingest.Batch(Ingest.TrackBatch("big-header", 1));
        request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 100_000));
        using (var response = await pipeline.Client.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        }
        using var next = await pipeline.Client.SendAsync(Ingest.Batch(Ingest.TrackBatch("after-big-header" + Guid.NewGuid().ToString("N")[..8], 1)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Every_answer_says_nosniff_and_names_no_server()
    {
        using var ok = await pipeline.Client.SendAsync(Ingest.Batch(Ingest.TrackBatch("headers" + Guid.NewGuid().ToString("N")[..8], 1)));
        using var bad = await pipeline.Client.SendAsync(Ingest.Batch("{"));
        using var missing = await pipeline.Client.GetAsync(new Uri("/nowhere", UriKind.Relative));
        foreach (var response in new[] { ok, bad, missing })
        {
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.False(response.Headers.Contains("Server"), $"{response.RequestMessage?.RequestUri} names its server: {response.Headers.Server}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_storage_is_away_ingest_and_the_read_APIs_answer_503_with_Retry_After_fast_and_name_no_storage_internals(bool storageAnswersNothing)
    {
        // A listener that accepts and never answers is a frozen storage account; a closed port is one that is down.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var accepting = storageAnswersNothing ? AcceptForeverAsync(silent, accepted) : Task.CompletedTask;
        var port = storageAnswersNothing ? ((IPEndPoint)silent.LocalEndpoint).Port : AzuriteProcess.FreePort();
        var connection = Funnel.Storage.Configuration.AzuriteAccount.ConnectionString(port, port, port);
        var (app, address) = await LoopbackHost.StartAsync(url => StandaloneApp.Build(["--urls", url.ToString()], builder =>
        {
            builder.Configuration["Storage:ConnectionString"] = connection;
            builder.Configuration["Ingest:WriteKeys:0"] = PipelineFixture.WriteKey;
            builder.Configuration["Reports:ReadKeys:0"] = ReadKey;
            builder.Configuration["FunctionKeys:Host:default"] = AdminKey;
            builder.Configuration["Privacy:HashSecret"] = TestSecrets.HashSecret;
            builder.Configuration["Standalone:RunQueuePollers"] = "false";
            builder.Configuration["Standalone:RunTimers"] = "false";
            builder.Logging.SetMinimumLevel(LogLevel.Critical);
            foreach (var bootstrap in builder.Services.Where(d => d.ImplementationType == typeof(Funnel.Standalone.Hosting.StorageBootstrap)).ToList())
            {
                builder.Services.Remove(bootstrap);
            }
        }));
        try
        {
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            foreach (var key in new[] { PipelineFixture.WriteKey, "a-key-nobody-knows" })
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                using var response = await client.SendAsync(Ingest.Request("/v1/batch", Encoding.UTF8.GetBytes(Ingest.TrackBatch("away", 3)), Ingest.Basic(key)));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"key {key}: {(int)response.StatusCode} {body}");
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"key {key}: the 503 took {watch.Elapsed}");
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Contains("retry later", body, StringComparison.Ordinal);
                Assert.All(StorageInternals, word => Assert.DoesNotContain(word, body, StringComparison.OrdinalIgnoreCase));
            }
            // The read APIs and the erasure API fail as fast, with a JSON reason naming storage.
            foreach (var (method, path, key) in new[]
            {
                (HttpMethod.Get, "/reports", $"Bearer {ReadKey}"),
                (HttpMethod.Get, "/reports/latest/report.json", $"Bearer {ReadKey}"),
                (HttpMethod.Get, "/reports/2026-11-01/audiences/win-back.csv", $"Bearer {ReadKey}"),
                (HttpMethod.Get, "/metrics/activity.dau", $"Bearer {ReadKey}"),
                (HttpMethod.Post, "/ops/privacy/erasures", AdminKey),
                (HttpMethod.Get, "/ops/privacy/erasures/0123456789abcdef0123456789abcdef", AdminKey),
            })
            {
                using var request = new HttpRequestMessage(method, path);
                if (key.StartsWith("Bearer ", StringComparison.Ordinal))
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key["Bearer ".Length..]);
                }
                else
                {
                    request.Headers.Add("x-functions-key", key);
                }
                if (method == HttpMethod.Post)
                {
                    request.Content = new StringContent("""{"userId":"away"}""", Encoding.UTF8, "application/json");
                }
                var watch = System.Diagnostics.Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path}: {(int)response.StatusCode} {body}");
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"{method} {path}: the 503 took {watch.Elapsed}");
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                Assert.Equal("storage", JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
                Assert.All(StorageInternals, word => Assert.DoesNotContain(word, body, StringComparison.OrdinalIgnoreCase));
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            silent.Stop();
            await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
            accepted.ForEach(c => c.Dispose());
        }
    }

    private static async Task AcceptForeverAsync(TcpListener listener, List<TcpClient> accepted)
    {
        try
        {
            while (true)
            {
                accepted.Add(await listener.AcceptTcpClientAsync());
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }
}
