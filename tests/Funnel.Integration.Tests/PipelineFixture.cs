using System.Text.Json;
using Funnel.Standalone;
using Funnel.Storage;
using Funnel.Storage.Configuration;
using Funnel.Storage.Queues;
using Funnel.Storage.Raw;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests;

/// <summary>Azurite plus the standalone host listening on a free loopback port, shared by the tests of one collection.</summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public const string WriteKey = "integration-write-key";

    /// <summary>Small on purpose, so ordinary batches are split and large events take the claim-check path.</summary>
    public const int QueueMessageLimitBytes = 16_384;

    private WebApplication? _app;

    public AzuriteProcess Azurite { get; private set; } = null!;
    public StorageClients Storage { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public BlobRawEventStore Raw { get; private set; } = null!;
    public StorageQueueChannel Events { get; private set; } = null!;

    /// <summary>The host's warnings and errors (the queue trigger's failures among them).</summary>
    public CapturedLog Log { get; } = new();

    /// <summary>The host's services, for what a test waits on inside it.</summary>
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteProcess.StartAsync();
        (_app, BaseAddress) = await LoopbackHost.StartAsync(url => StandaloneApp.Build(["--urls", url.ToString()], builder =>
        {
            builder.Configuration["Storage:ConnectionString"] = Azurite.ConnectionString;
            builder.Configuration["Ingest:WriteKeys:0"] = WriteKey;
            builder.Configuration["Privacy:HashSecret"] = TestSecrets.HashSecret;
            builder.Configuration["Pipeline:QueueMessageLimitBytes"] = QueueMessageLimitBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // As the Functions host allows, app settings override host.json: a failed message is back after 1 s (not 10), an empty queue polled every 100 ms.
            builder.Configuration["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01";
            builder.Configuration["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100";
            builder.Configuration["Reporting:TimeZone"] = "Asia/Shanghai";
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddProvider(Log);
        }));
        Storage = new StorageClients(new StorageOptions { ConnectionString = Azurite.ConnectionString });
        Raw = new BlobRawEventStore(Storage.Blobs);
        Events = new StorageQueueChannel(Storage.Queues, StorageNames.EventsQueue);
        Client = new HttpClient { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Azurite.DisposeAsync();
    }

    /// <summary>Waits until the events queue is empty (Azurite counts messages being processed too), up to <paramref name="timeout"/>.</summary>
    public async Task WaitForEventsQueueToDrainAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await Events.ApproximateCountAsync(CancellationToken.None) > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the events queue still holds messages after {timeout}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Every event in raw storage whose messageId starts with <paramref name="prefix"/>, with the blob it is in.</summary>
    public async Task<List<(string Blob, JsonElement Event)>> RawEventsAsync(string prefix)
    {
        var names = new List<Funnel.Engine.Processing.RawBlobName>();
        await foreach (var name in Raw.ListAsync(null, CancellationToken.None))
        {
            names.Add(name);
        }
        var found = new List<(string, JsonElement)>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (name, ct) =>
        {
            foreach (var line in await Raw.ReadLinesAsync(name, ct))
            {
                var e = JsonDocument.Parse(line).RootElement;
                if (e.GetProperty("messageId").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
                {
                    lock (found)
                    {
                        found.Add((name.Path, e));
                    }
                }
            }
        });
        return found;
    }

    /// <summary>
    /// Drains the queue (so every message sent before the call has been processed), then returns the raw
    /// events of a test run (prefix), retrying up to a minute until at least <paramref name="expected"/> are there.
    /// </summary>
    public async Task<List<(string Blob, JsonElement Event)>> SettledRawEventsAsync(string prefix, int expected)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            await WaitForEventsQueueToDrainAsync(TimeSpan.FromMinutes(2));
            var events = await RawEventsAsync(prefix);
            if (events.Count >= expected || DateTime.UtcNow > deadline)
            {
                return events;
            }
            await Task.Delay(250);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PipelineOnAzurite : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline on Azurite";
}
