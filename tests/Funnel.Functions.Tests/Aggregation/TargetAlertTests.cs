using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Notifications;
using Funnel.Functions.Aggregation;
using Funnel.Metrics;
using Funnel.Storage.Notifications;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Funnel.Functions.Tests.Aggregation;

/// <summary>
/// A red target announced as <c>target.missed</c> through the Service Bus notifier (a mocked sender) and the notifications log
/// (in memory, named as the blob log names it), and the comparisons a published report takes from the stored daily figures.
/// </summary>
public sealed class TargetAlertTests : IAsyncLifetime
{
    private const int Shards = 2;
    private static readonly GeneratedRawData Data = new(days: 3, signupsPerDay: 20, shards: Shards, seed: 7);

    /// <summary>Never met (red), always met (green, not announced), and one the report has no figure for (unknown, not announced).</summary>
    private static readonly MetricDefinitions Definitions = MetricDefinitions.Default with
    {
        Targets = [new("events.folded", 1e12, TargetDefinition.Higher, 1), new("activity.dau", 0, TargetDefinition.Higher), new("money.channels[none].cac", 25, TargetDefinition.Lower, 5)],
    };

    private readonly InMemoryAggregationStore _store = new(Data);
    private readonly List<ServiceBusMessage> _sent = [];
    private readonly NotificationsContainer _log = new();
    private StandaloneHost _host = null!;

    /// <summary>The <c>notifications</c> container in memory: blobs by the name <see cref="BlobNotificationLog"/> gives them.</summary>
    private sealed class NotificationsContainer : IPipelineNotifier, ISentNotifications
    {
        public ConcurrentDictionary<string, PipelineNotification> Blobs { get; } = new();

        public Task NotifyAsync(PipelineNotification notification, CancellationToken cancellationToken)
        {
            Blobs[BlobNotificationLog.BlobName(notification)] = notification;
            return Task.CompletedTask;
        }

        public Task<bool> WasSentAsync(PipelineNotification notification, CancellationToken cancellationToken) =>
            Task.FromResult(Blobs.ContainsKey(BlobNotificationLog.BlobName(notification)));
    }

    public Task InitializeAsync()
    {
        var sender = new Mock<ServiceBusSender>();
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessage m, CancellationToken _) => { lock (_sent) { _sent.Add(m); } })
            .Returns(Task.CompletedTask);
        _host = StandaloneHost.Start(
            new()
            {
                ["Pipeline:Shards"] = Shards.ToString(CultureInfo.InvariantCulture),
                ["Reporting:TimeZone"] = Data.Zone,
                ["Aggregation:FirstRetryDelay"] = "00:00:00.050",
            },
            services =>
            {
                services.AddSingleton<IAggregationStore>(_store);
                services.AddSingleton<IDailyMetricsTable>(_store);
                services.AddSingleton<Funnel.Events.Ingest.IIngestRefusalCounters>(_store);
                services.AddSingleton(new DayRun(Definitions, Data.Zone));
                services.AddSingleton<ISentNotifications>(_log);
                services.AddSingleton<IPipelineNotifier>(new NotifierFanOut([new ServiceBusNotifier(sender.Object), _log]));
            });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task RunDayAsync(DateOnly day, string instance)
    {
        var client = _host.Services.GetRequiredService<DurableTaskClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(AggregationFunctionNames.DailyAggregation, new DayRunRequest(day), new StartOrchestrationOptions(instance));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus);
    }

    private JsonNode ReportOf(DateOnly day) => JsonNode.Parse(Encoding.UTF8.GetString(_store.Reports[day].Json))!;

    [Fact]
    public async Task A_red_target_is_announced_once_per_day_even_when_the_day_is_published_twice()
    {
        var day = Data.Days[0];
        await RunDayAsync(day, AggregationInstances.ForDay(day));
        await RunDayAsync(day, AggregationInstances.ForDay(day) + "-again");

        var statuses = ReportOf(day)["targets"]!.AsArray().Select(t => t!["status"]!.GetValue<string>());
        Assert.Equal(["red", "green", "unknown"], statuses);
        var missed = Assert.Single(_sent, m => m.Subject == TargetMissed.KindName);
        Assert.Equal(2, _sent.Count(m => m.Subject == ReportPublished.KindName));
        var body = Assert.IsType<TargetMissed>(PipelineNotification.FromJson(missed.Body.ToArray()));
        Assert.Equal(("events.folded", 1e12, day), (body.Figure, body.Target, body.Day));
        Assert.Equal(double.Parse(ReportOf(day)["events"]!["folded"]!.ToString(), CultureInfo.InvariantCulture), body.Actual);
        Assert.Single(_log.Blobs.Keys, k => k.StartsWith($"{day:yyyy-MM-dd}/target.missed-", StringComparison.Ordinal));

        // The next day misses it too: announced again, once, for that day.
        await RunDayAsync(Data.Days[1], AggregationInstances.ForDay(Data.Days[1]));
        Assert.Equal([day, Data.Days[1]], _sent.Where(m => m.Subject == TargetMissed.KindName).Select(m => PipelineNotification.FromJson(m.Body.ToArray()).Day));
    }

    [Fact]
    public async Task Comparisons_are_the_stored_figures_of_the_earlier_days_and_null_where_none_is_stored()
    {
        foreach (var day in Data.Days)
        {
            await RunDayAsync(day, AggregationInstances.ForDay(day));
        }
        var last = Data.Days[^1];
        var headlines = ReportOf(last)["comparisons"]!["headlines"]!.AsArray();
        Assert.Equal(Funnel.Reports.HeadlineFigures.Names, headlines.Select(h => h!["name"]!.GetValue<string>()));
        double? StoredOn(int daysBefore, string name) => _store.Metrics.TryGetValue((last.AddDays(-daysBefore), name), out var v) ? v : null;
        Assert.True(Data.Days.Count < 28, "the data set must leave days without stored figures");
        foreach (var h in headlines)
        {
            var name = h!["name"]!.GetValue<string>();
            Assert.NotNull(StoredOn(1, name));
            Assert.Equal(StoredOn(1, name), h["earlier"]!["d1"]?.GetValue<double>());
            Assert.Equal(StoredOn(7, name), h["earlier"]!["d7"]?.GetValue<double>());
            Assert.Null(h["earlier"]!["d28"]);
            Assert.Equal(Enumerable.Range(0, 28).Reverse().Select(n => StoredOn(n, name)), h["trend"]!.AsArray().Select(v => v?.GetValue<double>()));
        }
    }
}
