using System.Text.Json;
using Funnel.Events.Ingest;

namespace Funnel.Simulation;

/// <summary>
/// Simulated events rendered as raw storage holds them: the Segment call through ingest's own stored-event
/// writer, received at the simulated time, exactly as ingest stores it: the call's own ids, nothing linked in advance.
/// </summary>
public static class StoredEvents
{
    public static ReadOnlyMemory<byte> Line(SimulatedEvent simulated)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        var e = simulated.Event;
        using var call = JsonSerializer.SerializeToDocument(SegmentCalls.Of(simulated));
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp);
        return StoredEvent.Write(call.RootElement, e.Type, e.MessageId, timestamp, timestamp, sentAt: null, batchContext: null,
            DateTimeOffset.FromUnixTimeMilliseconds(e.ReceivedAt));
    }

    /// <summary>Writes the events as NDJSON lines (the raw blob format before gzip); returns how many.</summary>
    public static long WriteNdjson(Stream output, IEnumerable<SimulatedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(events);
        long count = 0;
        foreach (var e in events)
        {
            output.Write(Line(e).Span);
            output.WriteByte((byte)'\n');
            count++;
        }
        return count;
    }
}
