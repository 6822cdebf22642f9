using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Funnel.Storage.Raw;
using Funnel.Testing;
using Funnel.Testing.Load;

namespace Funnel.Load;

/// <summary>
/// End-to-end cost of the daily run: generated raw days uploaded to Azurite, then each day run on its own through the
/// standalone host's ops API (<c>POST /ops/aggregations/{day}</c>), oldest first, timed from the request until the
/// status API answers <c>Completed</c>. Another build's host can be timed on the same data with <c>--host-dll</c>.
/// </summary>
internal static class DayRunTiming
{
    private const string AdminKey = "day-run-timing-admin-key";

    public static async Task<int> RunAsync(int days, int signupsPerDay, int shards, int seed, string? hostDll, Action<string> log)
    {
        var data = new GeneratedRawData(days, signupsPerDay, shards, seed);
        await using var azurite = await AzuriteStorage.StartAsync();
        await data.UploadAsync(new BlobRawEventStore(azurite.Storage.Blobs));
        var eventsByDay = data.Days.ToDictionary(d => d, d => data.Blobs.Where(b => b.Name.Day == d).Sum(b => RawLines(b.GzipNdjson)));
        log($"{data.Days.Count} raw days uploaded ({eventsByDay.Values.Sum():N0} events, {shards} shards, {signupsPerDay} signups a day, seed {seed}); host {hostDll ?? "this build"}");
        // The host reaches storage through counting relays, so each day's storage calls are counted too.
        var ports = azurite.Azurite.Ports;
        await using var blobs = new CountingProxy(ports.Blob);
        await using var queues = new CountingProxy(ports.Queue);
        await using var tables = new CountingProxy(ports.Table);
        long Calls() => blobs.Requests + queues.Requests + tables.Requests;
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = Funnel.Storage.Configuration.AzuriteAccount.ConnectionString(blobs.Port, queues.Port, tables.Port),
            // No queue polling: the calls counted are the day's run's.
            ["Standalone__RunQueuePollers"] = "false",
            ["FunctionKeys__Host__default"] = AdminKey,
            ["Reports__ReadKeys__0"] = "day-run-timing-read-key",
            ["Ingest__WriteKeys__0"] = "day-run-timing-write-key",
            ["Privacy__HashSecret"] = TestSecrets.HashSecret,
            ["Pipeline__Shards"] = shards.ToString(CultureInfo.InvariantCulture),
            ["Standalone__RunTimers"] = "false",
            ["Reporting__TimeZone"] = data.Zone,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var host = await StandaloneProcess.StartAsync(settings, hostDll);
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
        var seconds = new List<(DateOnly Day, double Seconds, long Events, long Calls)>();
        foreach (var day in data.Days)
        {
            var callsBefore = Calls();
            var (blobsBefore, tablesBefore) = (blobs.Requests, tables.Requests);
            var watch = Stopwatch.StartNew();
            using (var started = await client.PostAsync(new Uri($"/ops/aggregations/{day:yyyy-MM-dd}", UriKind.Relative), null))
            {
                started.EnsureSuccessStatusCode();
            }
            var status = await WaitAsync(client, day, TimeSpan.FromMinutes(5));
            watch.Stop();
            if (status != "Completed")
            {
                log($"{day:yyyy-MM-dd}: {status}; host log:\n{host.Log}");
                return 1;
            }
            var calls = Calls() - callsBefore;
            seconds.Add((day, watch.Elapsed.TotalSeconds, eventsByDay[day], calls));
            log($"{day:yyyy-MM-dd}: {eventsByDay[day],7:N0} events, {watch.Elapsed.TotalSeconds,6:N2} s, {calls,6:N0} storage calls ({blobs.Requests - blobsBefore:N0} blob, {tables.Requests - tablesBefore:N0} table)");
        }
        // The first days fold little history; the median of the rest is the figure to compare.
        var steady = seconds.Skip(Math.Min(2, seconds.Count - 1)).Select(s => s.Seconds).Order().ToList();
        var steadyCalls = seconds.Skip(Math.Min(2, seconds.Count - 1)).Select(s => s.Calls).Order().ToList();
        log($"median seconds per day (days 3-{seconds.Count}): {steady[steady.Count / 2]:N2}; median storage calls per day {steadyCalls[steadyCalls.Count / 2]:N0}; mean events per day {seconds.Average(s => s.Events):N0}");
        return 0;
    }

    private static async Task<string> WaitAsync(HttpClient client, DateOnly day, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(new Uri($"/ops/aggregations/{day:yyyy-MM-dd}", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() ?? "unknown";
                if (status is "Completed" or "Failed" or "Terminated")
                {
                    return status;
                }
            }
            await Task.Delay(50);
        }
        return "timed out";
    }

    private static long RawLines(byte[] gzip)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gzip), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray().Count(b => b == (byte)'\n');
    }
}
