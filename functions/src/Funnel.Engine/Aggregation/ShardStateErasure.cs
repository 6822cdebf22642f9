namespace Funnel.Engine.Aggregation;

/// <summary>Forgetting persons in a shard's state: their state goes, nobody else's changes.</summary>
public static class ShardStateErasure
{
    /// <summary>Removes every person whose key <paramref name="erased"/> accepts, and every device link naming one; returns the removed persons' keys.</summary>
    public static IReadOnlyList<string> RemovePersons(this ShardState state, Func<string, bool> erased)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(erased);
        var removed = state.Persons.Keys.Concat(state.Cold.Persons.Keys).Where(erased).ToList();
        foreach (var key in removed)
        {
            state.Remove(key);
        }
        foreach (var device in state.LinkedDevices.Where(l => erased(l.Key) || erased(l.Value)).Select(l => l.Key).ToList())
        {
            state.LinkedDevices.Remove(device);
        }
        return removed;
    }
}
