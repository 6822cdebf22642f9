using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Funnel.Storage;
using Funnel.Storage.Configuration;
using Funnel.Storage.Queues;
using Funnel.Storage.Raw;

namespace Funnel.Testing.Load;

/// <summary>What goes wrong during a run.</summary>
public enum Fault
{
    /// <summary>Nothing: plain load, then the backlog drains.</summary>
    None,

    /// <summary>Azurite on disk killed, started again on the same ports after the fault's duration.</summary>
    KillStorageOnDisk,

    /// <summary>Azurite in memory killed and started again empty: queues, containers and tables are gone.</summary>
    KillStorageInMemory,

    /// <summary>Azurite stopped with SIGSTOP: sockets open, no answer, then SIGCONT.</summary>
    FreezeStorage,

    /// <summary>The app killed while it processes, and started again.</summary>
    KillApp,
}

/// <summary>A bounded run: clients, load time, when the fault starts and how long it lasts, the app's extra settings.</summary>
public sealed record ScenarioSettings(
    Fault Fault,
    int Clients = 4,
    double LoadSeconds = 20,
    double FaultAtSeconds = 5,
    double FaultSeconds = 10,
    int EventsPerBatch = 50,
    int MaxBatchesPerClient = 100_000,
    double MaxDrainSeconds = 300,
    IReadOnlyDictionary<string, string>? AppSettings = null,
    bool StorageOnDisk = false);

/// <summary>The figures of one run.</summary>
public sealed record ScenarioReport(
    ScenarioSettings Settings,
    LoadResult Load,
    Ledger Ledger,
    TimeSpan DrainTime,
    bool Drained,
    TimeSpan? RecoveredAfter,
    int LargestBacklog,
    bool AppExitedOnItsOwn,
    string AppLog)
{
    public double AcceptedPerSecond => Load.Accepted.Count / Math.Max(0.001, (Load.Ended - Load.Started).TotalSeconds);

    public override string ToString()
    {
        var load = (Load.Ended - Load.Started).TotalSeconds;
        var lines = new[]
        {
            $"scenario {Settings.Fault}: {Settings.Clients} clients x {Settings.LoadSeconds:0} s, {Settings.EventsPerBatch} events per batch" +
                (Settings.Fault == Fault.None ? string.Empty : $", fault at {Settings.FaultAtSeconds:0} s for {Settings.FaultSeconds:0} s"),
            $"requests {Load.Requests} ({Load.AnswerSummary}); latency p50 {Load.Percentile(0.5):0} ms, p99 {Load.Percentile(0.99):0} ms",
            $"accepted {Load.Accepted.Count} events in {load:0.0} s = {AcceptedPerSecond:0} events/s",
            $"backlog: largest {LargestBacklog} messages; drained {(Drained ? "in" : "NOT within")} {DrainTime.TotalSeconds:0.0} s after the load (drain/load = {DrainTime.TotalSeconds / Math.Max(0.001, load):0.00})",
            RecoveredAfter is { } r ? $"ingest answered 200 again {r.TotalSeconds:0.0} s after storage/app returned" : "recovery: n/a",
            $"ledger: {Ledger}",
            $"app exited on its own: {(AppExitedOnItsOwn ? "YES" : "no")}",
        };
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// Runs one scenario end to end, loopback only: Azurite and the standalone host as processes, clients for a
/// bounded time, the fault, a probe that measures when ingest answers 200 again, the backlog drain, then
/// the ledger. Shared by the fault tests and the load harness (tests/Funnel.Load).
/// </summary>
public static class FaultScenario
{
    public const string WriteKey = "load-write-key";

    public static async Task<ScenarioReport> RunAsync(ScenarioSettings settings, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var say = progress ?? (_ => { });
        // On disk the emulator packs many writes into each extent file; in memory every queue message is an extent, and its
        // collector deletes them one by one, re-sorting its index each time: a pause of tens of seconds a minute into a long load.
        var location = settings.Fault == Fault.KillStorageOnDisk || settings.StorageOnDisk ? Directory.CreateTempSubdirectory("azurite-disk-").FullName : null;
        try
        {
            return await RunOnAsync(settings, location, say, cancellationToken);
        }
        finally
        {
            if (location is not null)
            {
                try
                {
                    Directory.Delete(location, recursive: true);
                }
                catch (IOException)
                {
                    say($"could not delete the emulator's folder {location}");
                }
            }
        }
    }

    private static async Task<ScenarioReport> RunOnAsync(ScenarioSettings settings, string? location, Action<string> say, CancellationToken cancellationToken)
    {
        var runId = "load" + Guid.NewGuid().ToString("N")[..8];
        await using var azurite = await AzuriteProcess.StartAsync(location);
        var appSettings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            ["Ingest__WriteKeys__0"] = WriteKey,
            ["Privacy__HashSecret"] = TestSecrets.HashSecret,
            // host.json's queue settings, overridden as the Functions host allows: a failed message back after 1 s, an empty queue polled every 200 ms at most.
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.200",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Error",
        };
        foreach (var (name, value) in settings.AppSettings ?? new Dictionary<string, string>())
        {
            appSettings[name] = value;
        }
        await using var app = await StandaloneProcess.StartAsync(appSettings);
        var storage = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString });
        var events = new StorageQueueChannel(storage.Queues, StorageNames.EventsQueue);
        say($"run {runId}: Azurite {(location is null ? "in memory" : "on disk")}, app at {app.Address}");

        var load = new LoadResult();
        var largestBacklog = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampling = SampleBacklogAsync(events, b => largestBacklog = Math.Max(largestBacklog, b), stopSampling.Token);
        var clients = LoadClients.RunAsync(new LoadSettings(app.Address, WriteKey, runId, settings.Clients, TimeSpan.FromSeconds(settings.LoadSeconds), settings.MaxBatchesPerClient, settings.EventsPerBatch), load, cancellationToken);

        Ledger.EmulatorLossWindow? lossWindow = null;
        TimeSpan? recoveredAfter = null;
        if (settings.Fault != Fault.None)
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.FaultAtSeconds), cancellationToken);
            var faultStarted = DateTimeOffset.UtcNow;
            say($"fault {settings.Fault} at {(faultStarted - load.Started).TotalSeconds:0.0} s");
            switch (settings.Fault)
            {
                case Fault.KillStorageOnDisk or Fault.KillStorageInMemory:
                    await azurite.KillAsync();
                    break;
                case Fault.FreezeStorage:
                    azurite.Freeze();
                    break;
                case Fault.KillApp:
                    await app.KillAsync();
                    break;
            }
            await Task.Delay(TimeSpan.FromSeconds(settings.FaultSeconds), cancellationToken);
            switch (settings.Fault)
            {
                case Fault.KillStorageOnDisk or Fault.KillStorageInMemory:
                    await azurite.RestartAsync();
                    break;
                case Fault.FreezeStorage:
                    azurite.Thaw();
                    break;
                case Fault.KillApp:
                    await app.KillAndRestartAsync();
                    break;
            }
            var returned = DateTimeOffset.UtcNow;
            say($"storage/app back at {(returned - load.Started).TotalSeconds:0.0} s");
            lossWindow = settings.Fault switch
            {
                Fault.KillStorageInMemory => new Ledger.EmulatorLossWindow(DateTimeOffset.MinValue, returned),
                // What Azurite had not saved yet (plus a second for the save itself) dies with it.
                Fault.KillStorageOnDisk => new Ledger.EmulatorLossWindow(faultStarted - AzuriteProcess.AutosaveWindow - TimeSpan.FromSeconds(1), returned),
                _ => null,
            };
            recoveredAfter = await ProbeUntilAcceptedAsync(app.Address, runId, load, TimeSpan.FromSeconds(60), cancellationToken) is { } at ? at - returned : null;
        }
        await clients;
        say($"load ended: {load.Accepted.Count} events accepted; waiting for the backlog to drain");

        var drain = Stopwatch.StartNew();
        var drained = await WaitForDrainAsync(events, TimeSpan.FromSeconds(settings.MaxDrainSeconds), say, cancellationToken);
        drain.Stop();
        await stopSampling.CancelAsync();
        await sampling;
        say($"backlog {(drained ? "drained" : "NOT drained")} {drain.Elapsed.TotalSeconds:0.0} s after the load; reading raw storage for the ledger");
        // The app stops first so that the emulator answers the ledger's reads, not a backlog still being worked.
        var exitedOnItsOwn = app.ExitedOnItsOwn;
        await app.KillAsync();
        var reader = new StorageClients(new StorageOptions { ConnectionString = azurite.ConnectionString, NetworkTimeout = TimeSpan.FromMinutes(2) });
        var ledger = await Ledger.CompareAsync(load, new BlobRawEventStore(reader.Blobs), runId, lossWindow, cancellationToken);
        return new ScenarioReport(settings, load, ledger, drain.Elapsed, drained, recoveredAfter, largestBacklog, exitedOnItsOwn, app.Log);
    }

    /// <summary>Posts a one-event batch every 250 ms until one is answered 200; returns when.</summary>
    private static async Task<DateTimeOffset?> ProbeUntilAcceptedAsync(Uri target, string runId, LoadResult load, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(15) };
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(WriteKey + ":")));
        var deadline = DateTime.UtcNow + limit;
        for (var i = 0; DateTime.UtcNow < deadline; i++)
        {
            var prefix = $"{runId}-probe{i}";
            var (status, _) = await LoadClients.PostAsync(http, auth, Encoding.UTF8.GetBytes(LoadClients.BatchJson(prefix, 1)), load, cancellationToken);
            if (status == 200)
            {
                var at = DateTimeOffset.UtcNow;
                load.Accepted[$"{prefix}-0"] = at;
                return at;
            }
            await Task.Delay(250, cancellationToken);
        }
        return null;
    }

    private static async Task SampleBacklogAsync(StorageQueueChannel events, Action<int> seen, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                seen(await events.ApproximateCountAsync(stop));
                await Task.Delay(1000, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
            {
                await Task.Delay(500, CancellationToken.None);
            }
        }
    }

    /// <summary>Waits until the queue is empty, saying every 10 s how many messages are left; a slow or failed count is tried again.</summary>
    private static async Task<bool> WaitForDrainAsync(StorageQueueChannel events, TimeSpan limit, Action<string> say, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var nextSay = started.AddSeconds(10);
        while (DateTime.UtcNow < started + limit)
        {
            try
            {
                var left = await events.ApproximateCountAsync(cancellationToken);
                if (left == 0)
                {
                    return true;
                }
                if (DateTime.UtcNow >= nextSay)
                {
                    say($"draining: {left} messages left after {(DateTime.UtcNow - started).TotalSeconds:0} s");
                    nextSay = DateTime.UtcNow.AddSeconds(10);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is Azure.RequestFailedException or OperationCanceledException or AggregateException)
            {
                say($"draining: the queue length could not be read ({ex.GetType().Name}); trying again");
            }
            await Task.Delay(200, cancellationToken);
        }
        return false;
    }
}
