using Funnel.Testing.Load;
using Xunit.Abstractions;

namespace Funnel.Integration.Tests;

/// <summary>
/// Storage and app faults under load, with Azurite and the standalone host as separate processes: the app
/// never exits by itself, ingest answers 200 again within 10 s of storage (or the app) returning, and no
/// event answered 200 is missing from raw storage or stored twice, apart from what the emulator itself
/// dropped (events accepted within its autosave window before a kill, or all of memory), reported apart.
/// </summary>
public class FaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Fault.KillStorageOnDisk)]
    [InlineData(Fault.KillStorageInMemory)]
    [InlineData(Fault.FreezeStorage)]
    [InlineData(Fault.KillApp)]
    public async Task The_app_survives_the_fault_recovers_within_10_s_and_loses_or_duplicates_no_acknowledged_event(Fault fault)
    {
        var report = await FaultScenario.RunAsync(new ScenarioSettings(fault, Clients: 4, LoadSeconds: 16, FaultAtSeconds: 4, FaultSeconds: fault == Fault.KillApp ? 2 : 8,
            MaxDrainSeconds: 120, AppSettings: new Dictionary<string, string> { ["Pipeline__VisibilityTimeout"] = "00:00:10" }), output.WriteLine);
        output.WriteLine(report.ToString());

        Assert.False(report.AppExitedOnItsOwn, $"the app exited by itself:\n{Tail(report.AppLog)}");
        Assert.NotNull(report.RecoveredAfter);
        Assert.True(report.RecoveredAfter <= TimeSpan.FromSeconds(10), $"ingest answered 200 only {report.RecoveredAfter} after the fault ended");
        Assert.True(report.Drained, $"the backlog did not drain:\n{Tail(report.AppLog)}");
        Assert.True(report.Ledger.FoundOnce > 0, report.Ledger.ToString());
        Assert.True(report.Ledger.Missing == 0 && report.Ledger.Duplicated == 0, report.Ledger.ToString());
        Assert.DoesNotContain("Unhandled exception", report.AppLog, StringComparison.Ordinal);
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
