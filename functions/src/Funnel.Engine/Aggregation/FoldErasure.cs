using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Events.Privacy;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// Keeps erased persons out of a day's fold whatever the order of erasure and run: their state leaves
/// the previous day's, their events are not folded, and a request accepted while the fold ran makes it
/// fail so that its retry starts again without them.
/// </summary>
public static class FoldErasure
{
    /// <summary>Removes the erased persons from <paramref name="state"/> and returns the events of everyone else.</summary>
    public static List<ProductEvent> Apply(ErasedPersons erased, ShardState state, List<ProductEvent> events)
    {
        ArgumentNullException.ThrowIfNull(erased);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(events);
        if (erased.IsEmpty)
        {
            return events;
        }
        state.RemovePersons(erased.Contains);
        // A device's anonymous event counted for its user is the device's too: an erasure of either leaves it out.
        return events.Where(e => !erased.Contains(e.PersonKey) && !(e.AnonymousOnly && erased.Contains(e.LinkedDevice))).ToList();
    }

    /// <summary>Throws when requests were accepted after <paramref name="before"/> was read: the fold's output may still hold their persons.</summary>
    public static void ThrowIfMoreErased(ErasedPersons before, ErasedPersons after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (after.RequestCount != before.RequestCount)
        {
            throw new ErasureDuringFoldException($"{after.RequestCount - before.RequestCount} erasure requests arrived while the shard was folded; folding it again without their persons");
        }
    }
}

/// <summary>A fold overtaken by an erasure request; its retry leaves the person out.</summary>
public sealed class ErasureDuringFoldException(string message) : Exception(message);
