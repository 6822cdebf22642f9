using System.Text;
using System.Text.Json.Nodes;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Notifications;
using Funnel.Functions.Aggregation;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Funnel.Functions.Tests.Aggregation;

/// <summary>
/// The daily run's orchestrators and activities on the real Durable Task engine (in process, in memory,
/// as the standalone host runs them), over generated raw data in an in-memory store.
/// </summary>
public sealed class DailyRunOrchestrationTests : IAsyncLifetime
{
    private const int Shards = 3;

    /// <summary>A day's run reads each shard's raw events once, in its link step; the fold gets them through its inbox.</summary>
    private const int ReadsPerRun = 1;
    private static readonly GeneratedRawData Data = new(days: 4, signupsPerDay: 25, shards: Shards, seed: 11);
    private static readonly Lazy<Dictionary<DateOnly, JsonNode>> Reference = new(Data.ReferenceReports);

    private readonly InMemoryAggregationStore _store = new(Data);
    private readonly List<PipelineNotification> _notified = [];
    private StandaloneHost _host = null!;

    private DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public Task InitializeAsync()
    {
        // One activity per shard and step, hand-overs through the store: the fan-out path (a day this small would
        // otherwise link and fold in one activity; that path has its own test below).
        _host = StartHost(bytesPerActivity: 1);
        return Task.CompletedTask;
    }

    private StandaloneHost StartHost(long bytesPerActivity)
    {
        var notifier = new Mock<IPipelineNotifier>();
        notifier.Setup(n => n.NotifyAsync(It.IsAny<PipelineNotification>(), It.IsAny<CancellationToken>()))
            .Callback((PipelineNotification n, CancellationToken _) => { lock (_notified) { _notified.Add(n); } })
            .Returns(Task.CompletedTask);
        return StandaloneHost.Start(
            new()
            {
                ["Pipeline:Shards"] = Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Reporting:TimeZone"] = Data.Zone,
                ["Aggregation:FirstRetryDelay"] = "00:00:00.050",
                ["Aggregation:ActivityAttempts"] = "3",
                ["Aggregation:BytesPerActivity"] = bytesPerActivity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            services =>
            {
                services.AddSingleton<IAggregationStore>(_store);
                services.AddSingleton<IDailyMetricsTable>(_store);
                services.AddSingleton<Funnel.Events.Ingest.IIngestRefusalCounters>(_store);
                services.AddSingleton(notifier.Object);
            });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<OrchestrationMetadata> RunDayAsync(DateOnly day)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.DailyAggregation, new DayRunRequest(day), new StartOrchestrationOptions(AggregationInstances.ForDay(day)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    private JsonNode ReportOf(DateOnly day) => GeneratedRawData.Comparable(Encoding.UTF8.GetString(_store.Reports[day].Json));

    [Fact]
    public async Task A_day_fans_out_one_fold_per_shard_then_publishes_and_announces_the_report()
    {
        var day = Data.Days[0];
        var run = await RunDayAsync(day);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(Enumerable.Range(0, Shards).Select(s => (day, s)), _store.RawReads.Keys.Order());
        Assert.All(_store.RawReads.Values, reads => Assert.Equal(ReadsPerRun, reads));
        // Each shard's inbox is read once, by that shard's fold (the only caller naming it), and emptied once the report is out.
        Assert.Equal(Enumerable.Range(0, Shards).Select(s => (day, s)), _store.InboxReads.Keys.Order());
        Assert.All(_store.InboxReads.Values, reads => Assert.Equal(1, reads));
        Assert.Equal(0, _store.HandOversStored);
        Assert.True(JsonNode.DeepEquals(Reference.Value[day], ReportOf(day)));
        Assert.Equal(new AggregationProgress(Shards, Shards), run.ReadCustomStatusAs<AggregationProgress>());
        var published = Assert.IsType<ReportPublished>(Assert.Single(_notified));
        Assert.Equal(day, published.Day);
        Assert.Equal(_store.Metrics[(day, "activity.dau")], published.Headline["activity.dau"]);
        Assert.True(published.Headline["activity.dau"] > 0);
    }

    [Fact]
    public async Task A_small_day_takes_one_activity_per_step_and_a_day_larger_than_an_activity_takes_one_per_shard()
    {
        var day = Data.Days[1];
        await RunDayAsync(Data.Days[0]);
        var request = new PlanDayRequest(day, "plan-test", DateTimeOffset.UnixEpoch);
        var fits = Microsoft.Extensions.Options.Options.Create(new Funnel.Functions.Configuration.AggregationOptions());
        var small = await ActivatorUtilities.CreateInstance<AggregationActivities>(_host.Services, fits).PlanDayAsync(request, CancellationToken.None);
        Assert.Equal(1, small.Activities);
        Assert.Equal([Enumerable.Range(0, Shards).ToList()], small.ShardGroups().Select(g => g.ToList()));

        var tiny = Microsoft.Extensions.Options.Options.Create(new Funnel.Functions.Configuration.AggregationOptions { BytesPerActivity = 1 });
        var large = await ActivatorUtilities.CreateInstance<AggregationActivities>(_host.Services, tiny).PlanDayAsync(request, CancellationToken.None);
        Assert.Equal(Shards, large.Activities);
        Assert.Equal(Enumerable.Range(0, Shards).Select(s => new[] { s }.ToList()), large.ShardGroups().Select(g => g.ToList()));
    }

    [Fact]
    public async Task A_day_in_one_activity_hands_over_in_memory_and_gives_the_reports_of_the_fan_out()
    {
        await _host.DisposeAsync();
        _host = StartHost(bytesPerActivity: 16L * 1024 * 1024);
        foreach (var day in Data.Days)
        {
            var run = await RunDayAsync(day);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
            Assert.True(JsonNode.DeepEquals(Reference.Value[day], ReportOf(day)), $"report of {day} differs from the offline engine's");
        }
        // Every shard's raw read once a day, nothing through the store's inboxes.
        Assert.All(_store.RawReads.Values, reads => Assert.Equal(ReadsPerRun, reads));
        Assert.Empty(_store.InboxReads);
        Assert.Equal(0, _store.HandOversStored);
    }

    [Theory]
    [InlineData(16, 1)]
    [InlineData(16, 3)]
    [InlineData(16, 16)]
    [InlineData(16, 40)]
    [InlineData(5, 2)]
    public void Shard_groups_take_every_shard_once_in_runs_of_nearly_equal_length(int shards, int activities)
    {
        var groups = new DayPlan(shards, null, true) { Activities = activities }.ShardGroups();
        Assert.Equal(Math.Min(shards, activities), groups.Count);
        Assert.Equal(Enumerable.Range(0, shards), groups.SelectMany(g => g));
        Assert.InRange(groups.Max(g => g.Count) - groups.Min(g => g.Count), 0, 1);
    }

    [Fact]
    public async Task A_day_whose_previous_state_is_missing_runs_the_previous_days_first_in_order()
    {
        var third = Data.Days[2];
        var run = await RunDayAsync(third);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(Data.Days.Take(3), _store.ReportOrder);
        foreach (var day in Data.Days.Take(3))
        {
            Assert.True(JsonNode.DeepEquals(Reference.Value[day], ReportOf(day)), $"report of {day} differs from the offline engine's");
        }
        Assert.Equal(Data.Days.Take(3), _notified.OfType<ReportPublished>().Select(n => n.Day));
    }

    [Fact]
    public async Task An_activity_failing_twice_then_succeeding_gives_the_report_of_a_clean_run()
    {
        var day = Data.Days[0];
        _store.FailRawReads(day, shard: 1, times: 2);
        var run = await RunDayAsync(day);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(2 + ReadsPerRun, _store.RawReads[(day, 1)]);
        Assert.True(JsonNode.DeepEquals(Reference.Value[day], ReportOf(day)));
        Assert.IsType<ReportPublished>(Assert.Single(_notified));
    }

    [Fact]
    public async Task A_link_step_that_fails_half_way_through_its_hand_overs_is_retried_and_its_first_attempt_is_never_read()
    {
        var day = Data.Days[1];
        await RunDayAsync(Data.Days[0]);
        _store.FailHandOverWritesOnce(from: 1, afterWrites: 1);
        var run = await RunDayAsync(day);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(1, _store.HandOverWriteFailures);
        // Each fold read at most one hand-over per sending shard: the failed attempt's file was left out.
        Assert.All(Enumerable.Range(0, Shards), s => Assert.InRange(_store.InboxFilesRead[(day, s)], 1, Shards));
        Assert.True(JsonNode.DeepEquals(Reference.Value[day], ReportOf(day)));
        Assert.Equal(0, _store.HandOversStored);
    }

    [Fact]
    public async Task An_activity_that_always_fails_ends_the_day_Failed_with_the_reason_and_sends_run_failed()
    {
        var day = Data.Days[0];
        _store.FailRawReads(day, shard: 2, times: int.MaxValue);
        var run = await RunDayAsync(day);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, run.RuntimeStatus);
        Assert.Contains("shard-02 is unreadable", run.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3, _store.RawReads[(day, 2)]);
        Assert.False(_store.Reports.ContainsKey(day));
        var failed = Assert.IsType<RunFailed>(Assert.Single(_notified));
        Assert.Equal(day, failed.Day);
        Assert.Contains("shard-02 is unreadable", failed.Reason, StringComparison.Ordinal);

        // The status API says why, with the same text as run.failed.
        var answer = await ActivatorUtilities.CreateInstance<AggregationApi>(_host.Services).GetDayAsync(new Microsoft.AspNetCore.Http.DefaultHttpContext().Request, $"{day:yyyy-MM-dd}", Client, CancellationToken.None);
        var status = Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.Ok<AggregationStatus>>(answer).Value!;
        Assert.Equal("Failed", status.Status);
        Assert.Equal(failed.Reason, status.Reason);
    }

    [Fact]
    public async Task Starting_the_due_days_twice_runs_each_day_once()
    {
        // An hour after the last data day closed in the reporting zone: every data day is due, nothing later.
        var now = new DateTimeOffset(Data.Days[^1].AddDays(1).ToDateTime(new TimeOnly(1, 0)), TimeSpan.FromHours(8));
        var schedule = ActivatorUtilities.CreateInstance<ScheduleDailyFunction>(_host.Services, new FixedTime(now));
        var first = await schedule.StartDueDaysAsync(Client, CancellationToken.None);
        var second = await schedule.StartDueDaysAsync(Client, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = await Client.WaitForInstanceCompletionAsync(first, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(Data.Days, _store.ReportOrder);
        Assert.All(_store.RawReads.Values, reads => Assert.Equal(ReadsPerRun, reads));
        Assert.Null(await schedule.StartDueDaysAsync(Client, CancellationToken.None));
    }

    [Fact]
    public async Task A_day_whose_raw_events_arrived_after_its_fold_runs_again_with_every_day_after_it()
    {
        var now = new DateTimeOffset(Data.Days[^1].AddDays(1).ToDateTime(new TimeOnly(1, 0)), TimeSpan.FromHours(8));
        var schedule = ActivatorUtilities.CreateInstance<ScheduleDailyFunction>(_host.Services, new FixedTime(now));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Client.WaitForInstanceCompletionAsync((await schedule.StartDueDaysAsync(Client, CancellationToken.None))!, timeout.Token);
        Assert.Null(await schedule.StartDueDaysAsync(Client, CancellationToken.None));

        _store.RawChangedAfterFold[Data.Days[1]] = true;
        var again = await schedule.StartDueDaysAsync(Client, CancellationToken.None);
        Assert.Equal(AggregationInstances.ForDays(Data.Days.Skip(1).ToList()), again);
        var run = await Client.WaitForInstanceCompletionAsync(again!, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
        Assert.Equal(Data.Days.Concat(Data.Days.Skip(1)), _store.ReportOrder);
        Assert.Equal(ReadsPerRun, _store.RawReads[(Data.Days[0], 0)]);
        Assert.Equal(2 * ReadsPerRun, _store.RawReads[(Data.Days[1], 0)]);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
