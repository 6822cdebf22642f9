using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    /// <summary>Distinct event times of the last day and a half, sorted: enough to tell where the report day's sessions start and end.</summary>
    public List<long> SessionInstants { get; } = [];
}

/// <summary>
/// 会话与使用时长: a session is a run of a person's events (any call) with no gap longer than the definitions' session gap
/// (default 30 minutes; a gap of exactly that continues it); it belongs to the day its first event falls on in the report's zone, and lasts from its first
/// event to its last, past midnight too. Per report day: sessions, their average length, sessions per active person and
/// 日均使用时长 (session time per active person), by first-touch platform.
/// </summary>
public static class SessionMetric
{
    /// <summary>The longest gap inside a session unless the definitions set <c>sessionGapMinutes</c>.</summary>
    public const int DefaultGapMinutes = 30;

    /// <summary>The longest session gap the definitions may set: four hours.</summary>
    public const int MaxGapMinutes = 240;

    private const long ZoneSlackMs = 14 * 3_600_000L;

    internal static void Observe(PersonState person, ProductEvent e) => PersonState.InsertSorted(person.SessionInstants, e.Timestamp);

    internal static void Merge(PersonState person, PersonState other) => PersonState.UnionSorted(person.SessionInstants, other.SessionInstants);

    /// <summary>Reports from processing day <paramref name="day"/> on read sessions starting that day or later, and the event just before them.</summary>
    internal static void Forget(PersonState person, int day, MetricDefinitions definitions)
    {
        PersonState.ForgetBefore(person.SessionInstants, ZoneDays.UtcStartOf(day) - ZoneSlackMs - definitions.SessionGapMs);
    }

    internal static void Count(PersonState person, CountingDay day, SessionFigures figures)
    {
        var d = day.Day;
        var active = person.ActiveDays.BinarySearch(d) >= 0;
        long sessions = 0, lengthMs = 0;
        var instants = person.SessionInstants;
        var gap = day.Definitions.SessionGapMs;
        for (var i = 0; i < instants.Count; i++)
        {
            var start = instants[i];
            var end = start;
            while (i + 1 < instants.Count && instants[i + 1] - end <= gap)
            {
                end = instants[++i];
            }
            // The kept instants reach 30 minutes before the day's start in any zone, so a run that began the day before is seen whole.
            if (day.DayOf(start) == d)
            {
                sessions++;
                lengthMs += end - start;
            }
        }
        if (!active && sessions == 0)
        {
            return;
        }
        foreach (var into in (ReadOnlySpan<SessionCounts>)[figures.All, figures.ByPlatform.GetOrAdd(person.PlatformOrUnknown, static () => new SessionCounts())])
        {
            into.ActivePersons += active ? 1 : 0;
            into.Sessions += sessions;
            into.LengthMs += lengthMs;
        }
    }

    public static SessionsReport Report(SessionFigures figures, MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(definitions);
        return new SessionsReport(Of(figures.All), [.. figures.ByPlatform.Select(x => new SessionRow(x.Key, Of(x.Value)))],
            definitions.SessionGapMinutes ?? DefaultGapMinutes);
    }

    private static SessionTotals Of(SessionCounts c) => new(
        c.Sessions,
        Seconds(c.LengthMs, c.Sessions),
        c.ActivePersons == 0 ? 0 : (double)Math.Round((decimal)c.Sessions / c.ActivePersons, 2, MidpointRounding.AwayFromZero),
        Seconds(c.LengthMs, c.ActivePersons),
        c.ActivePersons);

    /// <summary>Milliseconds per something, in whole seconds (half away from zero); 0 over nobody.</summary>
    private static long Seconds(long ms, long of) => of == 0 ? 0 : (long)Math.Round(ms / 1000m / of, MidpointRounding.AwayFromZero);
}

/// <summary>The day's sessions in all and by first-touch platform.</summary>
public sealed class SessionFigures
{
    [JsonPropertyName("all")]
    public SessionCounts All { get; init; } = new();

    [JsonPropertyName("byPlatform")]
    public SortedDictionary<string, SessionCounts> ByPlatform { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(SessionFigures other)
    {
        All.Add(other.All);
        foreach (var (platform, counts) in other.ByPlatform)
        {
            ByPlatform.GetOrAdd(platform, static () => new SessionCounts()).Add(counts);
        }
    }
}

/// <summary>Sessions starting on the report day, their summed length, and the persons active that day.</summary>
public sealed class SessionCounts
{
    [JsonPropertyName("sessions")]
    public long Sessions { get; set; }

    [JsonPropertyName("lengthMs")]
    public long LengthMs { get; set; }

    [JsonPropertyName("activePersons")]
    public long ActivePersons { get; set; }

    internal void Add(SessionCounts other)
    {
        Sessions += other.Sessions;
        LengthMs += other.LengthMs;
        ActivePersons += other.ActivePersons;
    }
}

/// <summary>会话: the day's sessions in all and by first-touch platform.</summary>
public sealed record SessionsReport(
    [property: JsonPropertyName("all")] SessionTotals All,
    [property: JsonPropertyName("byPlatform")] IReadOnlyList<SessionRow> ByPlatform,
    [property: JsonPropertyName("gapMinutes")] int GapMinutes);

public sealed record SessionRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("sessions")] SessionTotals Sessions);

/// <summary>Sessions starting on the day, their average length (s), sessions per active person, 日均使用时长 (session seconds per active person), active persons.</summary>
public sealed record SessionTotals(
    [property: JsonPropertyName("sessions")] long Sessions,
    [property: JsonPropertyName("averageSeconds")] long AverageSeconds,
    [property: JsonPropertyName("perActivePerson")] double PerActivePerson,
    [property: JsonPropertyName("secondsPerActivePerson")] long SecondsPerActivePerson,
    [property: JsonPropertyName("activePersons")] long ActivePersons);
