namespace Funnel.Events;

/// <summary>
/// One stored event reduced to what the metrics read. Times are Unix milliseconds (UTC).
/// <see cref="PersonKey"/> is the event's own person (userId, else anonymousId); the daily run may count it for
/// another (a device's events count for the user it is linked to). <see cref="Channel"/> and <see cref="Platform"/>
/// are what this event says; the person's first-touch values are decided in the fold. <see cref="AnonymousOnly"/>
/// marks an event with only a device id; <see cref="LinkedDevice"/> is the device id of an event that names a user
/// too: the link between the two that it carries (on an anonymous event the daily run counts for the device's user,
/// the device it came from). <see cref="Campaign"/> is the <see cref="CampaignKey"/> of the event's <c>context.campaign</c>.
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
    bool AnonymousOnly = false,
    string? LinkedDevice = null,
    string? Campaign = null)
{
    /// <summary>The id raw storage shards the event by: its device when it names one (that shard's run decides the device's link), else its user.</summary>
    public string StoredUnder => LinkedDevice ?? PersonKey;
}
