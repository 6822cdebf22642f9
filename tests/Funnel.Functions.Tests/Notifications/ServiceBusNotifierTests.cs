using Azure.Messaging.ServiceBus;
using Funnel.Engine.Notifications;
using Funnel.Storage.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Funnel.Functions.Tests.Notifications;

/// <summary>The Service Bus notifier against a mocked <see cref="ServiceBusSender"/>; what a subscriber receives is rebuilt with <see cref="ServiceBusModelFactory"/>.</summary>
public class ServiceBusNotifierTests
{
    private static readonly DateOnly Day = new(2026, 11, 24);

    private static (ServiceBusNotifier Notifier, List<ServiceBusMessage> Sent, Mock<ServiceBusSender> Sender) Notifier()
    {
        var sent = new List<ServiceBusMessage>();
        var sender = new Mock<ServiceBusSender>();
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback((ServiceBusMessage m, CancellationToken _) => sent.Add(m))
            .Returns(Task.CompletedTask);
        return (new ServiceBusNotifier(sender.Object), sent, sender);
    }

    /// <summary>The message as a subscription hands it to a consumer.</summary>
    private static ServiceBusReceivedMessage Received(ServiceBusMessage sent) =>
        ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: sent.Body, messageId: sent.MessageId, subject: sent.Subject, contentType: sent.ContentType,
            properties: sent.ApplicationProperties);

    [Fact]
    public async Task A_published_report_reaches_subscribers_as_JSON_with_its_kind_as_subject_and_the_day()
    {
        var (notifier, sent, _) = Notifier();
        var published = new ReportPublished(Day,
            new Dictionary<string, Uri> { ["json"] = new("https://acct.blob.core.windows.net/reports/2026-11-24/report.json") },
            new Dictionary<string, double> { ["dau"] = 1234, ["payingConversion"] = 0.051 });

        await notifier.NotifyAsync(published, CancellationToken.None);

        var received = Received(Assert.Single(sent));
        Assert.Equal("report.published", received.Subject);
        Assert.Equal("report.published-2026-11-24", received.MessageId);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal("2026-11-24", received.ApplicationProperties["day"]);
        var read = Assert.IsType<ReportPublished>(PipelineNotification.FromJson(received.Body.ToArray()));
        Assert.Equal(Day, read.Day);
        Assert.Equal(published.Reports["json"], read.Reports["json"]);
        Assert.Equal(0.051, read.Headline["payingConversion"]);
        Assert.Contains("\"kind\":\"report.published\"", received.Body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_run_carries_its_reason()
    {
        var (notifier, sent, _) = Notifier();
        await notifier.NotifyAsync(new RunFailed(Day, "state/shard-03/2026-11-23.bin is corrupt"), CancellationToken.None);
        var received = Received(Assert.Single(sent));
        Assert.Equal("run.failed", received.Subject);
        var failed = Assert.IsType<RunFailed>(PipelineNotification.FromJson(received.Body.ToArray()));
        Assert.Equal("state/shard-03/2026-11-23.bin is corrupt", failed.Reason);
    }

    [Fact]
    public async Task A_send_that_fails_fails_the_notification_so_the_caller_retries()
    {
        var (notifier, _, sender) = Notifier();
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("namespace unreachable", ServiceBusFailureReason.ServiceCommunicationProblem));
        await Assert.ThrowsAsync<ServiceBusException>(() => notifier.NotifyAsync(new RunFailed(Day, "x"), CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_namespace_the_app_keeps_notifications_only_in_the_notifications_container()
    {
        await using var host = StandaloneHost.Start();
        Assert.IsType<BlobNotificationLog>(host.Services.GetRequiredService<IPipelineNotifier>());
    }

    [Fact]
    public async Task With_a_namespace_the_app_logs_each_notification_and_sends_it_to_the_topic()
    {
        await using var host = StandaloneHost.Start(new() { ["ServiceBus:FullyQualifiedNamespace"] = "funnel-test.servicebus.windows.net" });
        Assert.IsType<NotifierFanOut>(host.Services.GetRequiredService<IPipelineNotifier>());
        Assert.Equal("funnel-test.servicebus.windows.net", host.Services.GetRequiredService<ServiceBusClient>().FullyQualifiedNamespace);
    }
}
