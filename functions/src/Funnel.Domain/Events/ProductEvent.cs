namespace Funnel.Domain.Events;

/// <summary>
/// One stored event reduced to what the metrics read. Times are Unix milliseconds (UTC).
/// <see cref="Channel"/> and <see cref="Platform"/> are what this event says; the person's
/// first-touch values are decided in the fold. <see cref="AnonymousOnly"/> marks an event stored with only a
/// device id (no user, no linked person): the daily run may move it to the device's user.
/// </summary>
public sealed record ProductEvent(
    string MessageId,
    string PersonKey,
    EventType Type,
    string? Name,
    long Timestamp,
    long ReceivedAt,
    string? Channel,
    string? Platform,
    decimal? Revenue,
    string? Experiment,
    string? Variant,
    IReadOnlyDictionary<string, string>? Properties,
    bool AnonymousOnly = false);
