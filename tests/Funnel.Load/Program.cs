using System.Globalization;
using Funnel.Testing.Load;

// Load and fault scenarios against the standalone host and Azurite, loopback only, bounded in time and count.
// Usage: dotnet run -c Release --project tests/Funnel.Load -- [--fault none|kill-storage-disk|kill-storage-memory|freeze-storage|kill-app]
//        [--clients 16] [--seconds 60] [--batch 50] [--max-batches 100000] [--fault-at 10] [--fault-for 10]
//        [--max-backlog 0] [--max-drain 600] [--storage memory|disk] [--app-log FILE] [--set Name=Value ...]
//        or: --day-runs DAYS [--signups-per-day 100] [--shards 16] [--seed 7] [--host-dll PATH] (end-to-end seconds per daily run)
// Prints the run's figures and the ledger; exits 1 when an event answered 200 is missing or duplicated, or the app exited by itself.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
var appSettings = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--set")
    {
        var pair = args[i + 1].Split('=', 2);
        appSettings[pair[0]] = pair.Length > 1 ? pair[1] : string.Empty;
    }
    else
    {
        options[args[i].TrimStart('-')] = args[i + 1];
    }
}
double Number(string name, double fallback) => options.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

if (options.ContainsKey("day-runs"))
{
    // --day-runs DAYS [--signups-per-day 100] [--shards 16] [--seed 7] [--host-dll PATH]: seconds per daily run, end to end.
    return await Funnel.Load.DayRunTiming.RunAsync((int)Number("day-runs", 10), (int)Number("signups-per-day", 100), (int)Number("shards", 16),
        (int)Number("seed", 7), options.GetValueOrDefault("host-dll"), line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
}

var fault = options.GetValueOrDefault("fault", "none") switch
{
    "none" => Fault.None,
    "kill-storage-disk" => Fault.KillStorageOnDisk,
    "kill-storage-memory" => Fault.KillStorageInMemory,
    "freeze-storage" => Fault.FreezeStorage,
    "kill-app" => Fault.KillApp,
    var other => throw new ArgumentException($"--fault {other}: use none, kill-storage-disk, kill-storage-memory, freeze-storage or kill-app"),
};
var maxBacklog = (int)Number("max-backlog", 0);
if (maxBacklog > 0)
{
    appSettings["Ingest__MaxBacklog"] = maxBacklog.ToString(CultureInfo.InvariantCulture);
}
var settings = new ScenarioSettings(
    fault,
    Clients: (int)Number("clients", 16),
    LoadSeconds: Math.Min(Number("seconds", 60), 600),
    FaultAtSeconds: Number("fault-at", 10),
    FaultSeconds: Number("fault-for", 10),
    EventsPerBatch: (int)Number("batch", 50),
    MaxBatchesPerClient: (int)Number("max-batches", 100_000),
    MaxDrainSeconds: Math.Min(Number("max-drain", 600), 3600),
    AppSettings: appSettings,
    StorageOnDisk: options.GetValueOrDefault("storage", "memory") switch
    {
        "memory" => false,
        "disk" => true,
        var other => throw new ArgumentException($"--storage {other}: use memory or disk"),
    });

var report = await FaultScenario.RunAsync(settings, line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"));
Console.WriteLine(report);
if (options.TryGetValue("app-log", out var appLog))
{
    await File.WriteAllTextAsync(appLog, report.AppLog);
    Console.WriteLine($"app log (warnings and errors): {appLog}");
}
if (maxBacklog > 0)
{
    Console.WriteLine($"backlog bound {maxBacklog}: largest sampled backlog {report.LargestBacklog}, 429 answers {report.Load.Answers.GetValueOrDefault("429")}");
}
return report.Ledger.Missing == 0 && report.Ledger.Duplicated == 0 && !report.AppExitedOnItsOwn ? 0 : 1;
