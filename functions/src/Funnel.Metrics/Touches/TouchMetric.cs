using System.Text.Json.Serialization;
using Funnel.Events;

namespace Funnel.Metrics;

/// <summary>
/// A touch channel as the definitions name it: the track event that says a message reached the person (<see cref="Sent"/>),
/// the one that says they opened it (<see cref="Opened"/>), and how many messages a week a person may get (<see cref="WeeklyCap"/>).
/// </summary>
public sealed record TouchChannel(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("sent")] string Sent,
    [property: JsonPropertyName("opened")] string Opened,
    [property: JsonPropertyName("weeklyCap")] int WeeklyCap);

public sealed partial class PersonState
{
    private static readonly Dictionary<string, (List<int> Sent, List<int> Opened)> NoTouches = [];
    private Dictionary<string, (List<int> Sent, List<int> Opened)>? _touches;

    /// <summary>Per touch channel, the days (reporting zone) of each message sent and opened in the last week, one entry per message.</summary>
    public IReadOnlyDictionary<string, (List<int> Sent, List<int> Opened)> Touches => _touches ?? NoTouches;

    internal (List<int> Sent, List<int> Opened) TouchesFor(string channel)
    {
        _touches ??= new Dictionary<string, (List<int>, List<int>)>(StringComparer.Ordinal);
        if (!_touches.TryGetValue(channel, out var touches))
        {
            _touches[channel] = touches = ([], []);
        }
        return touches;
    }

    /// <summary>Drops what was kept for one touch channel.</summary>
    public void ForgetTouches(string channel)
    {
        if (_touches is not null && _touches.Remove(channel) && _touches.Count == 0)
        {
            _touches = null;
        }
    }
}

/// <summary>
/// 触达与频控: per touch channel of the definitions (<see cref="MetricDefinitions.TouchesInForce"/>), over the 7 days ending on the
/// report day: messages sent and opened (打开率 = opened / sent), persons touched, and persons sent more than the weekly cap
/// (a person at the cap is within it).
/// </summary>
public static class TouchMetric
{
    /// <summary>Touches count over the 7 days ending on the report day.</summary>
    public const int WeekDays = 7;

    /// <summary>The reports' frequency caps (push 3-7, SMS 2-8 a week): the upper bounds, and a weekly newsletter for e-mail.</summary>
    public static IReadOnlyList<TouchChannel> DefaultChannels { get; } =
    [
        new("push", "Push Notification Received", "Push Notification Tapped", 7),
        new("sms", "SMS Delivered", "SMS Link Clicked", 8),
        new("email", "Email Delivered", "Email Opened", 3),
    ];

    internal static void Observe(PersonState person, ProductEvent e, int eventDay, MetricDefinitions definitions)
    {
        if (e.Type != EventType.Track || e.Name is null)
        {
            return;
        }
        foreach (var channel in definitions.TouchesInForce)
        {
            if (e.Name == channel.Sent)
            {
                PersonState.InsertKeepingEqual(person.TouchesFor(channel.Channel).Sent, eventDay);
            }
            if (e.Name == channel.Opened)
            {
                PersonState.InsertKeepingEqual(person.TouchesFor(channel.Channel).Opened, eventDay);
            }
        }
    }

    internal static void Merge(PersonState person, PersonState other)
    {
        foreach (var (channel, (sent, opened)) in other.Touches)
        {
            var into = person.TouchesFor(channel);
            // One entry per message: the same day twice is two messages.
            sent.ForEach(d => PersonState.InsertKeepingEqual(into.Sent, d));
            opened.ForEach(d => PersonState.InsertKeepingEqual(into.Opened, d));
        }
    }

    /// <summary>Days before the week of processing day <paramref name="day"/>'s report are not read again.</summary>
    internal static void Forget(PersonState person, int day)
    {
        foreach (var (channel, (sent, opened)) in person.Touches.ToList())
        {
            sent.RemoveAll(d => d <= day - WeekDays);
            opened.RemoveAll(d => d <= day - WeekDays);
            if (sent.Count == 0 && opened.Count == 0)
            {
                person.ForgetTouches(channel);
            }
        }
    }

    internal static void Count(PersonState person, CountingDay day, TouchFigures figures)
    {
        var d = day.Day;
        foreach (var channel in day.Definitions.TouchesInForce)
        {
            if (!person.Touches.TryGetValue(channel.Channel, out var touches))
            {
                continue;
            }
            long sent = touches.Sent.Count(n => n <= d && n > d - WeekDays), opened = touches.Opened.Count(n => n <= d && n > d - WeekDays);
            if (sent == 0 && opened == 0)
            {
                continue;
            }
            var counts = figures.Channels.GetOrAdd(channel.Channel, static () => new long[4]);
            counts[0] += sent;
            counts[1] += opened;
            counts[2] += sent > 0 ? 1 : 0;
            counts[3] += sent > channel.WeeklyCap ? 1 : 0;
        }
    }

    public static List<TouchReport> Report(TouchFigures figures, MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(definitions);
        return [.. definitions.TouchesInForce.Select(channel =>
        {
            var c = figures.Channels.GetValueOrDefault(channel.Channel) ?? new long[4];
            return new TouchReport(channel.Channel, c[0], c[1], ReportNumbers.Rate(c[1], c[0]), c[2], channel.WeeklyCap, c[3]);
        })];
    }
}

/// <summary>Per touch channel over the week: messages sent, opened, persons touched, persons over the cap.</summary>
public sealed class TouchFigures
{
    [JsonPropertyName("channels")]
    public SortedDictionary<string, long[]> Channels { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(TouchFigures other) => FigureCounts.MergeCounts(Channels, other.Channels);
}

/// <summary>触达 of one channel over the 7 days ending on the report day.</summary>
public sealed record TouchReport(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("sent")] long Sent,
    [property: JsonPropertyName("opened")] long Opened,
    [property: JsonPropertyName("openRate")] double OpenRate,
    [property: JsonPropertyName("personsTouched")] long PersonsTouched,
    [property: JsonPropertyName("weeklyCap")] int WeeklyCap,
    [property: JsonPropertyName("personsOverCap")] long PersonsOverCap);
