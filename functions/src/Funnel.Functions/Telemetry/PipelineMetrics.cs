using System.Diagnostics.Metrics;
using Funnel.Events.Ingest;

namespace Funnel.Functions.Telemetry;

/// <summary>
/// The counts an operator watches, as OpenTelemetry metrics (exported to Application Insights when it
/// is configured): events accepted and refused, requests refused by reason, queue messages processed and parked.
/// </summary>
public sealed class PipelineMetrics
{
    /// <summary>The meter name to subscribe to (OpenTelemetry <c>AddMeter</c>, or a <see cref="MeterListener"/> in tests).</summary>
    public const string MeterName = "Funnel.Pipeline";

    private readonly Counter<long> _eventsAccepted;
    private readonly Counter<long> _eventsRejected;
    private readonly Counter<long> _requestsRefused;
    private readonly Counter<long> _messagesProcessed;
    private readonly Counter<long> _messagesParked;
    private readonly Counter<long> _eventsStored;
    private readonly Counter<long> _eventsErased;
    private readonly Meter _meter;

    public PipelineMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = _meter = meters.Create(MeterName);
        _eventsAccepted = meter.CreateCounter<long>("funnel.ingest.events.accepted", "{event}", "Events accepted and queued");
        _eventsRejected = meter.CreateCounter<long>("funnel.ingest.events.rejected", "{event}", "Invalid events refused inside an otherwise accepted or refused request, by field");
        _requestsRefused = meter.CreateCounter<long>("funnel.ingest.requests.refused", "{request}", "Requests refused as a whole, by reason");
        _messagesProcessed = meter.CreateCounter<long>("funnel.queue.messages.processed", "{message}", "Queue messages processed, by queue");
        _messagesParked = meter.CreateCounter<long>("funnel.queue.messages.parked", "{message}", "Queue messages moved to the poison queue, by queue");
        _eventsStored = meter.CreateCounter<long>("funnel.raw.events.stored", "{event}", "Events written to raw storage");
        _eventsErased = meter.CreateCounter<long>("funnel.ingest.events.erased", "{event}", "Events of erased persons acknowledged and not stored");
    }

    public void Ingested(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Refusal is { } refusal)
        {
            _requestsRefused.Add(1, new KeyValuePair<string, object?>("reason", refusal.ToString()));
        }
        else
        {
            _eventsAccepted.Add(result.Answer.Accepted - result.Erased);
            _eventsErased.Add(result.Erased);
        }
        foreach (var error in result.Answer.Errors)
        {
            if (error.Index is not null)
            {
                _eventsRejected.Add(1, new KeyValuePair<string, object?>("field", error.Field));
            }
        }
    }

    public void Processed(string queue, int eventsStored)
    {
        _messagesProcessed.Add(1, new KeyValuePair<string, object?>("queue", queue));
        _eventsStored.Add(eventsStored);
    }

    /// <summary>Publishes a queue's backlog as two gauges: messages waiting and the oldest one's age in seconds.</summary>
    public void WatchBacklog(string queue, Func<Funnel.Storage.Queues.QueueBacklog> sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var tag = new KeyValuePair<string, object?>("queue", queue);
        _meter.CreateObservableGauge("funnel.queue.backlog.messages", () => new Measurement<long>(sample().Messages, tag), "{message}", "Messages waiting in the queue, in-flight included");
        _meter.CreateObservableGauge("funnel.queue.backlog.oldest_age", () => new Measurement<double>(sample().OldestAge.TotalSeconds, tag), "s", "How long the oldest waiting message has been queued");
    }

    public void Parked(string queue) => _messagesParked.Add(1, new KeyValuePair<string, object?>("queue", queue));
}
