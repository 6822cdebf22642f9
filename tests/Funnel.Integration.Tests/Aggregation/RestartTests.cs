using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Funnel.Storage;
using Funnel.Storage.Configuration;
using Funnel.Storage.Raw;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>The standalone host killed (SIGKILL) in the middle of a backfill and started again: the same range run again gives a clean run's reports.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private AzuriteStorage _azurite = null!;
    private readonly GeneratedRawData _data = new(days: 30, signupsPerDay: 40, shards: AggregationFixture.Shards, seed: 21);

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteStorage.StartAsync();
        await _data.UploadAsync(new BlobRawEventStore(Storage.Blobs));
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private StorageClients Storage => _azurite.Storage;

    /// <summary>The standalone host as its own process, built beside the tests (same configuration).</summary>
    private async Task<(Process Process, HttpClient Client)> StartHostAsync()
    {
        // A port found free can be taken before the host binds it: a host that exits at start gets another port.
        for (var attempt = 1; ; attempt++)
        {
            var (process, client) = await TryStartHostAsync();
            if (!process.HasExited || attempt == 3)
            {
                return (process, client);
            }
            client.Dispose();
            process.Dispose();
        }
    }

    private async Task<(Process Process, HttpClient Client)> TryStartHostAsync()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepoPaths.Of("functions", "src", "Funnel.Standalone", "bin", configuration, "net10.0", "Funnel.Standalone.dll");
        var address = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        foreach (var (key, value) in AggregationFixture.Settings(_azurite.ConnectionString))
        {
            start.Environment[key] = value;
        }
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Add("x-functions-key", AggregationFixture.AdminKey);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await client.GetAsync("/");
                if (ready.IsSuccessStatusCode)
                {
                    return (process, client);
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            catch (HttpRequestException) when (process.HasExited)
            {
                return (process, client);
            }
            await Task.Delay(200);
        }
    }

    /// <summary>How many days have a report.</summary>
    private async Task<int> ReportCountAsync()
    {
        var count = 0;
        await foreach (var blob in Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobsAsync())
        {
            count += !blob.Name.StartsWith("latest/", StringComparison.Ordinal) && blob.Name.EndsWith("/report.json", StringComparison.Ordinal) ? 1 : 0;
        }
        return count;
    }

    /// <summary>The status API's answer for a day (null on 404).</summary>
    private static async Task<JsonObject?> StatusAsync(HttpClient client, DateOnly day)
    {
        using var response = await client.GetAsync($"/ops/aggregations/{day:yyyy-MM-dd}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task A_backfill_cut_short_by_SIGKILL_and_run_again_gives_the_reports_of_a_clean_run()
    {
        var range = $"/ops/aggregations?from={_data.Days[0]:yyyy-MM-dd}&to={_data.Days[^1]:yyyy-MM-dd}";
        var (first, firstClient) = await StartHostAsync();
        DateOnly cutDay;
        using (firstClient)
        using (first)
        {
            using var started = await firstClient.PostAsync(range, null);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (true)
            {
                // Wait for a day past the fifth that has planned (its run is recorded) and is folding or linking; then
                // freeze storage so it cannot finish, and kill the host.
                cutDay = _data.Days[Math.Min(await ReportCountAsync(), _data.Days.Count - 1)];
                if (cutDay >= _data.Days[5] && await StatusAsync(firstClient, cutDay) is { } running
                    && running["status"]?.GetValue<string>() == "Running" && running["step"] is not null)
                {
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, "the backfill never reached its sixth day");
                await Task.Delay(50);
            }
            _azurite.Azurite.Freeze();
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            _azurite.Azurite.Thaw();
        }
        var cutAt = await ReportCountAsync();
        Assert.Equal(_data.Days.IndexOf(cutDay), cutAt);

        var (second, secondClient) = await StartHostAsync();
        using (secondClient)
        using (second)
        {
            try
            {
                // The new host's Durable hub knows nothing; the status API answers from the stored runs.
                var done = await StatusAsync(secondClient, _data.Days[0]);
                Assert.Equal("Completed", done?["status"]?.GetValue<string>());
                var cut = await StatusAsync(secondClient, cutDay);
                Assert.Equal("Interrupted", cut?["status"]?.GetValue<string>());
                Assert.StartsWith("cut short", cut?["reason"]?.GetValue<string>(), StringComparison.Ordinal);
                Assert.Null(await StatusAsync(secondClient, _data.Days[^1]));

                using var again = await secondClient.PostAsync(range, null);
                Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
                var status = await AggregationFixture.WaitForDayAsync(secondClient, _data.Days[^1], TimeSpan.FromMinutes(6));
                Assert.Equal("Completed", status.GetProperty("status").GetString());
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync();
            }
        }

        var reference = _data.ReferenceReports();
        var reports = Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        foreach (var day in _data.Days)
        {
            var blob = await reports.GetBlobClient($"{day:yyyy-MM-dd}/report.json").DownloadContentAsync();
            Assert.True(JsonNode.DeepEquals(reference[day], GeneratedRawData.Comparable(blob.Value.Content.ToString())), $"report of {day:yyyy-MM-dd} differs from a clean run's");
        }
    }
}
