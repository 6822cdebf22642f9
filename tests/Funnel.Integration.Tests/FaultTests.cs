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
            MaxDrainSeconds: 120, AppSettings: new Dictionary<string, string> { ["Standalone__MessageLease"] = "00:00:10" }), output.WriteLine);
        output.WriteLine(report.ToString());

        Assert.False(report.AppExitedOnItsOwn, $"the app exited by itself:\n{Tail(report.AppLog)}");
        Assert.NotNull(report.RecoveredAfter);
        Assert.True(report.RecoveredAfter <= TimeSpan.FromSeconds(10), $"ingest answered 200 only {report.RecoveredAfter} after the fault ended");
        Assert.True(report.Drained, $"the backlog did not drain:\n{Tail(report.AppLog)}");
        Assert.True(report.Ledger.FoundOnce > 0, report.Ledger.ToString());
        Assert.True(report.Ledger.Missing == 0 && report.Ledger.Duplicated == 0, report.Ledger.ToString());
        Assert.DoesNotContain("Unhandled exception", report.AppLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_backlog_bound_excess_load_gets_429s_the_backlog_stays_under_it_and_drains_faster_than_it_filled()
    {
        const int bound = 40;
        var report = await FaultScenario.RunAsync(new ScenarioSettings(Fault.None, Clients: 4, LoadSeconds: 12, MaxDrainSeconds: 60,
            AppSettings: new Dictionary<string, string> { ["Ingest__MaxBacklog"] = $"{bound}", ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "1", ["AzureFunctionsJobHost__extensions__queues__newBatchThreshold"] = "1" }), output.WriteLine);
        output.WriteLine(report.ToString());

        Assert.True(report.Load.Answers.GetValueOrDefault("429") > 0, $"no 429 answers: {report.Load.AnswerSummary}");
        Assert.True(report.LargestBacklog <= bound, $"the backlog reached {report.LargestBacklog} messages, over the bound of {bound}");
        Assert.True(report.Drained && report.DrainTime < report.Load.Ended - report.Load.Started, $"drained {report.Drained} in {report.DrainTime}");
        Assert.True(report.Ledger.Missing == 0 && report.Ledger.Duplicated == 0 && report.Ledger.FoundOnce > 0, report.Ledger.ToString());
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];
}
