using Funnel.Events;
using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// What one shard's link step hands to one shard's fold for the day (itself included): the events that count for the
/// receiving shard's persons, the states of devices joining their users there, and, in the hand-over a shard makes to
/// itself, the links it made and the devices whose state left.
/// </summary>
public sealed class ShardHandOver
{
    /// <summary>Devices of the receiving shard linked today (device → user).</summary>
    public Dictionary<string, string> NewLinks { get; } = new(StringComparer.Ordinal);

    /// <summary>Devices of the receiving shard whose state went to their users.</summary>
    public List<string> DepartedDevices { get; } = [];

    /// <summary>Device states that join a user of the receiving shard.</summary>
    public List<JoiningDevice> JoiningDevices { get; } = [];

    /// <summary>The day's events of the receiving shard's persons, each already keyed by the person it counts for.</summary>
    public List<ProductEvent> Events { get; } = [];

    /// <summary>Raw lines the sending shard could not read (only in a shard's hand-over to itself).</summary>
    public long Malformed { get; set; }

    /// <summary>How many raw slices the sending shard read (only in a shard's hand-over to itself; null where unknown).</summary>
    public int? RawSlices { get; set; }

    public bool IsEmpty => NewLinks.Count == 0 && DepartedDevices.Count == 0 && JoiningDevices.Count == 0 && Events.Count == 0 && Malformed == 0;
}

/// <summary>A device's folded state on its way to the user it was linked to.</summary>
public sealed record JoiningDevice(string User, string Device, PersonState State);
