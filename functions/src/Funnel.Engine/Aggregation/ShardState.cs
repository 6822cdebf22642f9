using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>The folded state of one user shard as of <see cref="ThroughDay"/>.</summary>
public sealed class ShardState
{
    /// <summary>The hot persons: those the daily pass folds and counts one by one.</summary>
    public Dictionary<string, PersonState> Persons { get; } = new(StringComparer.Ordinal);

    /// <summary>Persons outside every report window, counted by running totals until they come back.</summary>
    public ColdPersons Cold { get; } = new();

    /// <summary>This shard's devices that are linked to a user (device → user): their events count for that user from now on.</summary>
    public Dictionary<string, string> LinkedDevices { get; } = new(StringComparer.Ordinal);

    /// <summary>The last processing day folded in; null for an empty state.</summary>
    public DateOnly? ThroughDay { get; set; }

    /// <summary>The first processing day folded in.</summary>
    public DateOnly? FirstDay { get; set; }

    /// <summary>Every person, hot or cold.</summary>
    public int PersonCount => Persons.Count + Cold.Count;

    /// <summary>The person's state, hot or cold (a cold one is parsed and stays cold), or null.</summary>
    public PersonState? Find(string key) =>
        Persons.TryGetValue(key, out var hot) ? hot : Cold.Persons.TryGetValue(key, out var cold) ? Cold.Parse(cold) : null;

    /// <summary>Brings a cold person back among the hot ones; returns the person's state, or null when they are not in the shard.</summary>
    public PersonState? Wake(string key)
    {
        if (Persons.TryGetValue(key, out var hot))
        {
            return hot;
        }
        if (!Cold.TryRemove(key, out var cold))
        {
            return null;
        }
        return Persons[key] = Cold.Parse(cold);
    }

    /// <summary>Removes the person, hot or cold.</summary>
    public bool Remove(string key) => Persons.Remove(key) | Cold.TryRemove(key, out _);
}
