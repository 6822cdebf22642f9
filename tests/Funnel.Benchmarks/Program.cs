using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Funnel.Events.Ingest;
using Funnel.Simulation;
using Funnel.Standalone;
using Funnel.Storage.Queues;
using Funnel.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Ingest throughput against a bare endpoint that only reads the body: same payloads, same client,
// same run, alternating rounds, so the ratio survives a noisy shared machine.
// Usage: dotnet run -c Release --project tests/Funnel.Benchmarks -- [--queue azurite|none] [--rounds 3] [--requests 400] [--concurrency 8] [--batch 100]
var options = Args.Parse(args);
const string WriteKey = "bench-key";

Console.WriteLine($"ingest benchmark: queue={options.Queue}, {options.Rounds} rounds x {options.Requests} requests of {options.BatchSize} events, concurrency {options.Concurrency}");
var payloads = BuildPayloads(options.BatchSize, count: 50);
Console.WriteLine($"payloads: {payloads.Count} batches, {payloads.Average(p => p.Length) / 1024:0.0} KB each on average");

await using var azurite = options.Queue == "azurite" ? await AzuriteProcess.StartAsync() : null;
var ingestPort = AzuriteProcess.FreePort();
var ingest = StandaloneApp.Build(["--urls", $"http://127.0.0.1:{ingestPort}"], builder =>
{
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Configuration["Ingest:WriteKeys:0"] = WriteKey;
    builder.Configuration["Privacy:HashSecret"] = TestSecrets.HashSecret;
    // The pollers would compete for the two cores; the benchmark measures the HTTP side only.
    builder.Configuration["Standalone:RunQueuePollers"] = "false";
    if (azurite is not null)
    {
        builder.Configuration["Storage:ConnectionString"] = azurite.ConnectionString;
    }
    else
    {
        builder.Services.AddSingleton<IQueueSender, DiscardingQueueSender>();
        builder.Services.AddSingleton<Funnel.Events.Privacy.IErasureLog>(new InMemoryErasureLog());
        builder.Services.AddSingleton<Funnel.Events.Ingest.IWriteKeyDirectory>(new ConfiguredKeysOnly(WriteKey));
        builder.Services.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)).ToList().ForEach(d => builder.Services.Remove(d));
    }
});
await ingest.StartAsync();

var barePort = AzuriteProcess.FreePort();
var bareBuilder = WebApplication.CreateSlimBuilder(["--urls", $"http://127.0.0.1:{barePort}"]);
bareBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
var bare = bareBuilder.Build();
bare.MapPost("/v1/{kind}", async (HttpRequest request) =>
{
    await request.Body.CopyToAsync(Stream.Null);
    return Results.Text("{\"success\":true}", "application/json");
});
await bare.StartAsync();

using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
async Task<double> RoundAsync(int port)
{
    var sent = 0;
    var failures = 0;
    var watch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, options.Requests), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency }, async (i, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/v1/batch") { Content = new ByteArrayContent(payloads[i % payloads.Count]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = auth;
        using var response = await client.SendAsync(request, ct);
        if (response.IsSuccessStatusCode)
        {
            Interlocked.Add(ref sent, options.BatchSize);
        }
        else
        {
            Interlocked.Increment(ref failures);
        }
    });
    if (failures > 0)
    {
        throw new InvalidOperationException($"{failures} requests to port {port} failed");
    }
    return sent / watch.Elapsed.TotalSeconds;
}

await RoundAsync(ingestPort);
await RoundAsync(barePort);
var ingestRates = new List<double>();
var bareRates = new List<double>();
for (var round = 1; round <= options.Rounds; round++)
{
    bareRates.Add(await RoundAsync(barePort));
    ingestRates.Add(await RoundAsync(ingestPort));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: bare {bareRates[^1],10:N0} events/s   ingest {ingestRates[^1],10:N0} events/s   ratio {ingestRates[^1] / bareRates[^1]:0.000}"));
}
double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median: ingest {Median(ingestRates):N0} events/s, bare {Median(bareRates):N0} events/s, ingest/bare ratio {Median(ingestRates) / Median(bareRates):0.000}"));

await ingest.StopAsync();
await bare.StopAsync();
return 0;

static List<byte[]> BuildPayloads(int batchSize, int count)
{
    var calls = SegmentCalls.Journeys(persons: batchSize * count / 2 + 1, days: 3, DateTimeOffset.UtcNow.AddMinutes(-1), seed: 11).Take(batchSize * count).ToList();
    var sentAt = Iso8601.Format(DateTimeOffset.UtcNow);
    return calls.Chunk(batchSize).Select((chunk, b) =>
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            chunk[i]["messageId"] = $"bench-{b}-{i}";
        }
        return Encoding.UTF8.GetBytes($"{{\"sentAt\":\"{sentAt}\",\"batch\":[{string.Join(",", chunk.Select(c => c.ToJsonString()))}]}}");
    }).ToList();
}

/// <summary>Benchmark options from the command line.</summary>
internal sealed record Args(string Queue, int Rounds, int Requests, int Concurrency, int BatchSize)
{
    public static Args Parse(string[] args)
    {
        string Get(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var queue = Get("--queue", "azurite");
        if (queue is not ("azurite" or "none"))
        {
            throw new ArgumentException("--queue must be azurite or none");
        }
        return new Args(queue, int.Parse(Get("--rounds", "3"), CultureInfo.InvariantCulture), int.Parse(Get("--requests", "400"), CultureInfo.InvariantCulture),
            int.Parse(Get("--concurrency", "8"), CultureInfo.InvariantCulture), int.Parse(Get("--batch", "100"), CultureInfo.InvariantCulture));
    }
}

/// <summary>Accepts messages and drops them: isolates the app's own cost from the queue's.</summary>
internal sealed class DiscardingQueueSender : IQueueSender
{
    public Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ParkAsync(string queueName, string message, string reason, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Knows one key, without a table behind it.</summary>
internal sealed class ConfiguredKeysOnly(string key) : Funnel.Events.Ingest.IWriteKeyDirectory
{
    public Task<bool> IsKnownAsync(string writeKey, CancellationToken cancellationToken) => Task.FromResult(writeKey == key);
}
