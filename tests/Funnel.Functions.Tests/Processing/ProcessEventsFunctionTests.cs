using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Funnel.Engine.Processing;
using Funnel.Functions.Processing;
using Funnel.Functions.Telemetry;
using Funnel.Storage;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Funnel.Functions.Tests.Processing;

/// <summary>The ProcessEvents function method called directly with a queue message, as the queue trigger calls it.</summary>
public class ProcessEventsFunctionTests : IAsyncLifetime
{
    private StandaloneHost _host = null!;

    public Task InitializeAsync()
    {
        _host = StandaloneHost.Start(new() { ["Standalone:RunQueuePollers"] = "false" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ProcessEventsFunction Function() => ActivatorUtilities.CreateInstance<ProcessEventsFunction>(_host.Services);

    private static string QueuedBatch(params string[] persons) => new JsonObject
    {
        ["batchId"] = "batch-1",
        ["receivedAt"] = "2026-11-24T10:00:00.000Z",
        ["events"] = new JsonArray(persons.Select((p, i) => (JsonNode)new JsonObject { ["type"] = "track", ["event"] = "A", ["userId"] = p, ["messageId"] = $"m{i}" }).ToArray()),
    }.ToJsonString();

    [Fact]
    public async Task A_message_becomes_raw_blobs_under_its_receive_day_and_the_same_message_again_adds_none()
    {
        await Function().RunAsync(QueuedBatch("u1", "u2", "u3", "u4"), CancellationToken.None);
        Assert.NotEmpty(_host.Written);
        Assert.All(_host.Written, w => Assert.Equal("2026-11-24", w.Name.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(_host.Written, w => Assert.StartsWith("g", w.Name.BatchId, StringComparison.Ordinal));
        var written = _host.Written.Count;

        await Function().RunAsync(QueuedBatch("u1", "u2", "u3", "u4"), CancellationToken.None);
        Assert.Equal(written, _host.Written.Count);
        Assert.Empty(_host.Parked);
    }

    [Fact]
    public async Task An_unreadable_message_is_parked_with_its_reason_at_once_instead_of_failing_five_times()
    {
        await Function().RunAsync("{not json", CancellationToken.None);
        var (queue, message, reason) = Assert.Single(_host.Parked);
        Assert.Equal(StorageNames.EventsQueue, queue);
        Assert.Equal("{not json", message);
        Assert.StartsWith("malformed message", reason, StringComparison.Ordinal);
        Assert.Empty(_host.Written);
    }

    [Fact]
    public async Task A_storage_failure_throws_so_the_trigger_delivers_the_message_again()
    {
        _host.Raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("storage is down"));
        await Assert.ThrowsAsync<IOException>(() => Function().RunAsync(QueuedBatch("u1"), CancellationToken.None));
        Assert.Empty(_host.Parked);
    }

    [Fact]
    public async Task Processed_and_parked_messages_are_counted_as_metrics()
    {
        var measured = new List<(string Instrument, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => { lock (measured) { measured.Add((instrument.Name, value)); } });
        listener.Start();

        await Function().RunAsync(QueuedBatch("u1", "u2"), CancellationToken.None);
        await Function().RunAsync("[]", CancellationToken.None);

        lock (measured)
        {
            Assert.Contains(("funnel.queue.messages.processed", 1L), measured);
            Assert.Contains(("funnel.raw.events.stored", 2L), measured);
            Assert.Contains(("funnel.queue.messages.parked", 1L), measured);
        }
    }
}
