using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    /// <summary>Times of cart and checkout events of the last week, sorted: all high intent needs beyond purchases.</summary>
    public List<long> IntentInstants { get; } = [];
}

/// <summary>
/// 高意向: persons with a <c>Product Added</c> or <c>Checkout Started</c> on D-6..D and no purchase at or after it
/// (to the millisecond) up to the end of D, by first-touch channel.
/// </summary>
public static class HighIntentMetric
{
    /// <summary>The events that show intent.</summary>
    public static readonly string[] IntentEvents = ["Product Added", "Checkout Started"];

    /// <summary>Intent counts on the 7 days ending on the report day.</summary>
    public const int IntentDays = 7;

    private const long ZoneSlackMs = 14 * 3_600_000L;

    internal static void Observe(PersonState person, ProductEvent e)
    {
        if (e.Type == EventType.Track && IntentEvents.Contains(e.Name, StringComparer.Ordinal))
        {
            PersonState.InsertSorted(person.IntentInstants, e.Timestamp);
        }
    }

    internal static void Merge(PersonState person, PersonState other) => PersonState.UnionSorted(person.IntentInstants, other.IntentInstants);

    /// <summary>Intent older than the window of processing day <paramref name="day"/>'s report (with a zone's slack) is not needed again.</summary>
    internal static void Forget(PersonState person, int day)
    {
        PersonState.ForgetBefore(person.IntentInstants, ZoneDays.UtcStartOf(day - IntentDays) - ZoneSlackMs);
    }

    /// <summary>Counts the person when they show high intent, and returns the time of the intent that qualified them (else null).</summary>
    internal static long? Count(PersonState person, CountingDay day, HighIntentFigures figures)
    {
        var intentAt = OpenIntentAt(person, day);
        if (intentAt is not null)
        {
            figures.Persons++;
            figures.ByChannel[person.ChannelOrDirect] = figures.ByChannel.GetValueOrDefault(person.ChannelOrDirect) + 1;
        }
        return intentAt;
    }

    /// <summary>The time of the person's latest cart or checkout by the report day when it qualifies them (on D-6..D, no purchase at or after it by the end of D); else null.</summary>
    private static long? OpenIntentAt(PersonState person, CountingDay day)
    {
        var d = day.Day;
        for (var i = person.IntentInstants.Count - 1; i >= 0; i--)
        {
            var at = person.IntentInstants[i];
            var intentDay = day.DayOf(at);
            if (intentDay > d)
            {
                continue;
            }
            // The latest intent by D decides: a purchase after it would also follow every earlier one.
            return intentDay > d - IntentDays && !person.Purchases.Any(p => p.At >= at && day.DayOf(p.At) <= d) ? at : null;
        }
        return null;
    }

    public static HighIntentReport Report(HighIntentFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return new HighIntentReport(figures.Persons,
            figures.ByChannel.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new HighIntentChannel(c.Key, c.Value)).ToList());
    }
}

public sealed class HighIntentFigures
{
    [JsonPropertyName("persons")]
    public long Persons { get; set; }

    [JsonPropertyName("byChannel")]
    public SortedDictionary<string, long> ByChannel { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(HighIntentFigures other)
    {
        Persons += other.Persons;
        foreach (var (channel, persons) in other.ByChannel)
        {
            ByChannel[channel] = ByChannel.GetValueOrDefault(channel) + persons;
        }
    }
}
