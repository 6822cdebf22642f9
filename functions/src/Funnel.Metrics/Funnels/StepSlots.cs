using Funnel.Events;

namespace Funnel.Metrics;

/// <summary>Numbers every (funnel, step) so a person's step times live in one flat array.</summary>
public sealed class StepSlots
{
    private readonly int[] _offsets;
    private readonly (FunnelStep Step, bool Entry)[] _slots;

    public StepSlots(MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _offsets = new int[definitions.Funnels.Count];
        var slots = new List<(FunnelStep, bool)>();
        for (var f = 0; f < definitions.Funnels.Count; f++)
        {
            _offsets[f] = slots.Count;
            slots.AddRange(definitions.Funnels[f].Steps.Select((s, k) => (s, k == 0)));
        }
        _slots = [.. slots];
        _byEvent = _slots.Select((slot, index) => (slot.Step.Event, index)).GroupBy(x => x.Event, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.index).ToArray(), StringComparer.Ordinal);
    }

    private readonly Dictionary<string, int[]> _byEvent;

    /// <summary>The slots whose step names this event (property filters still to check with <see cref="Matches"/>).</summary>
    public int[] CandidatesFor(ProductEvent e) =>
        e.Type == EventType.Track && e.Name is not null && _byEvent.TryGetValue(e.Name, out var slots) ? slots : [];

    public int Count => _slots.Length;

    public int SlotOf(int funnel, int step) => _offsets[funnel] + step;

    public bool IsEntry(int slot) => _slots[slot].Entry;

    public bool Matches(int slot, ProductEvent e)
    {
        var step = _slots[slot].Step;
        return e.Type == EventType.Track && string.Equals(e.Name, step.Event, StringComparison.Ordinal)
            && (step.Property is null || (e.Properties is not null && e.Properties.TryGetValue(step.Property, out var v) && v == step.EqualsValue));
    }
}
