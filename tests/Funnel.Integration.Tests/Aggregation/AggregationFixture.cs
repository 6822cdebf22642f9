using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Funnel.Standalone;
using Funnel.Storage.Configuration;
using Funnel.Storage.Raw;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>Azurite with 45 generated days of raw events, and the standalone host serving the daily run on a free loopback port.</summary>
public sealed class AggregationFixture : IAsyncLifetime
{
    public const string AdminKey = "integration-admin-key";
    public const string ReadKey = "integration-read-key";
    public const string WriteKey = "integration-write-key";
    public const int Shards = 4;

    private WebApplication? _app;

    public GeneratedRawData Data { get; } = new(days: 45, signupsPerDay: 40, shards: Shards);

    private AzuriteStorage _azurite = null!;

    public StorageClients Storage => _azurite.Storage;
    public HttpClient Client { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteStorage.StartAsync();
        await Data.UploadAsync(new BlobRawEventStore(Storage.Blobs));
        (_app, var address) = await StartHostAsync(_azurite.ConnectionString);
        Client = new HttpClient { BaseAddress = address };
        Client.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
    }

    /// <summary>The standalone host in this process on a free loopback port, with <see cref="Settings"/> and then <paramref name="overrides"/>.</summary>
    public static Task<(WebApplication App, Uri Address)> StartHostAsync(string connectionString, IReadOnlyDictionary<string, string>? overrides = null, LogLevel logLevel = LogLevel.Warning) =>
        LoopbackHost.StartAsync(url => StandaloneApp.Build(["--urls", url.ToString()], builder =>
        {
            foreach (var (key, value) in Settings(connectionString).Concat(overrides ?? new Dictionary<string, string>()))
            {
                builder.Configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
            builder.Logging.SetMinimumLevel(logLevel);
        }));

    /// <summary>The settings of a standalone host for these tests, in environment-variable form.</summary>
    public static Dictionary<string, string> Settings(string connectionString) => new()
    {
        ["Storage__ConnectionString"] = connectionString,
        ["FunctionKeys__Host__default"] = AdminKey,
        ["Reports__ReadKeys__0"] = ReadKey,
        ["Ingest__WriteKeys__0"] = WriteKey,
        ["Privacy__HashSecret"] = TestSecrets.HashSecret,
        ["Pipeline__Shards"] = Shards.ToString(CultureInfo.InvariantCulture),
        ["Standalone__RunTimers"] = "false",
        ["Reporting__TimeZone"] = GeneratedRawData.TimeZone,
        ["Aggregation__FirstRetryDelay"] = "00:00:00.200",
    };

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await _azurite.DisposeAsync();
    }

    /// <summary>
    /// Polls the status API until the day's latest run has ended, up to <paramref name="timeout"/>; with
    /// <paramref name="startedAfter"/>, only a run started after that instant counts (not the one before a re-run).
    /// </summary>
    public static async Task<JsonElement> WaitForDayAsync(HttpClient client, DateOnly day, TimeSpan timeout, DateTimeOffset? startedAfter = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync($"/ops/aggregations/{day:yyyy-MM-dd}");
            if (response.IsSuccessStatusCode)
            {
                var status = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (status.GetProperty("status").GetString() is "Completed" or "Failed"
                    && (startedAfter is null || (status.TryGetProperty("startedAt", out var started) && started.GetDateTimeOffset() > startedAfter)))
                {
                    return status;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the run of {day:yyyy-MM-dd} has not ended after {timeout}");
            }
            await Task.Delay(250);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AggregationOnAzurite : ICollectionFixture<AggregationFixture>
{
    public const string Name = "daily run on Azurite";
}
