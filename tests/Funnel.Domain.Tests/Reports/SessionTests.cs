using Funnel.Events;
using Funnel.Metrics;
using static Funnel.Domain.Tests.Reports.PurchasesAndStageKpisTests;

namespace Funnel.Domain.Tests.Reports;

/// <summary>Sessions at their edges, by hand, against the naive oracle on the same events.</summary>
public class SessionTests
{
    private const long MinuteMs = 60_000;

    private static ProductEvent Screen(string person, long at) =>
        new($"{person}-{at}", person, EventType.Screen, "Home", at, at + 1_000, null, "iOS", null, null, null, null);

    [Fact]
    public void A_gap_of_exactly_30_minutes_continues_a_session_and_a_millisecond_more_starts_another()
    {
        var start = At(0, 10);
        var events = new List<ProductEvent>
        {
            Screen("a", start), Screen("a", start + 30 * MinuteMs), Screen("a", start + 60 * MinuteMs + 1),
            // A person with one event: one session of no length.
            Screen("b", At(0, 12)),
        };

        var sessions = Run(events).Report.Sessions.All;

        // a: [10:00, 10:30] and [11:00:00.001]; b: [12:00]. 30 minutes over 3 sessions, over 2 active persons.
        Assert.Equal((3L, 600L, 1.5, 900L, 2L), (sessions.Sessions, sessions.AverageSeconds, sessions.PerActivePerson, sessions.SecondsPerActivePerson, sessions.ActivePersons));
    }

    [Fact]
    public void A_configured_gap_decides_where_sessions_split_and_reaches_back_over_midnight()
    {
        var definitions = MetricDefinitions.Default with { SessionGapMinutes = 120 };
        var start = At(0, 10);
        var events = new List<ProductEvent>
        {
            // Two hours apart continues; two hours and a millisecond splits.
            Screen("a", start), Screen("a", start + 120 * MinuteMs), Screen("a", start + 240 * MinuteMs + 1),
            // 22:30 the day before and 00:20: one session, started the day before, so none starts on the report day.
            Screen("late", At(1, 22, 30)), Screen("late", At(0, 0, 20)),
        };

        var report = Run(events, definitions: definitions).Report.Sessions;

        Assert.Equal(120, report.GapMinutes);
        Assert.Equal((2L, 2L), (report.All.Sessions, report.All.ActivePersons));
        Assert.Equal(60L * 60, report.All.AverageSeconds);
        Assert.Equal(30, Run(events).Report.Sessions.GapMinutes);
        Assert.Equal(["sessionGapMinutes"], (MetricDefinitions.Default with { SessionGapMinutes = 241 }).Problems().Select(p => p.Path));
        Assert.NotEqual(MetricDefinitions.Default.Hash, definitions.Hash);
    }

    [Fact]
    public void A_session_crossing_midnight_in_the_report_zone_belongs_to_the_day_it_started()
    {
        // Shanghai midnight is 16:00 UTC: 23:50, 00:10 and 00:30 local are one session started on the day before.
        var midnight = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8)).ToUnixTimeMilliseconds();
        var events = new List<ProductEvent>
        {
            Screen("night", midnight - 10 * MinuteMs), Screen("night", midnight + 10 * MinuteMs), Screen("night", midnight + 30 * MinuteMs),
            Screen("morning", midnight + 9 * 60 * MinuteMs),
        };

        // On the day it started, its part before midnight has been seen: one session (the events after midnight arrive the next day).
        var before = Run(events, "Asia/Shanghai", reportDaysBefore: 1).Report.Sessions.All;
        Assert.Equal((1L, 0L, 1L), (before.Sessions, before.AverageSeconds, before.ActivePersons));
        // On the report day the night owl is active but starts no session; the morning person starts one.
        var day = Run(events, "Asia/Shanghai").Report.Sessions;
        Assert.Equal((1L, 2L, 0.5), (day.All.Sessions, day.All.ActivePersons, day.All.PerActivePerson));
        Assert.Equal(["iOS"], day.ByPlatform.Select(p => p.Value));
    }
}
