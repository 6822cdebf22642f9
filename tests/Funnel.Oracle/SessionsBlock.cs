using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>
/// The <c>sessions</c> block from each person's whole history: their distinct event times cut wherever two are more than
/// 30 minutes apart; a session counts on the day its first event falls on, with its full length.
/// </summary>
public static class SessionsBlock
{
    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay, ZoneCalendar calendar, int gapMinutes)
    {
        var rows = persons.Select(p =>
        {
            var times = p.Events.Select(k => k.Event.Timestamp).Distinct().Order().ToList();
            var sessions = new List<(long Start, long End)>();
            foreach (var t in times)
            {
                if (sessions.Count > 0 && t - sessions[^1].End <= gapMinutes * 60_000L)
                {
                    sessions[^1] = (sessions[^1].Start, t);
                }
                else
                {
                    sessions.Add((t, t));
                }
            }
            var today = sessions.Where(s => calendar.DayOf(s.Start) == reportDay).ToList();
            return (p.Platform, Active: p.ActiveOn(reportDay), Sessions: (long)today.Count, LengthMs: today.Sum(s => s.End - s.Start));
        }).Where(r => r.Active || r.Sessions > 0).ToList();

        static JsonObject Totals(IReadOnlyCollection<(string Platform, bool Active, long Sessions, long LengthMs)> some)
        {
            long active = some.Count(r => r.Active), sessions = some.Sum(r => r.Sessions), length = some.Sum(r => r.LengthMs);
            long Seconds(long of) => of == 0 ? 0 : (long)Math.Round(length / 1000m / of, MidpointRounding.AwayFromZero);
            return new JsonObject
            {
                ["sessions"] = sessions,
                ["averageSeconds"] = Seconds(sessions),
                ["perActivePerson"] = active == 0 ? 0 : (double)Math.Round((decimal)sessions / active, 2, MidpointRounding.AwayFromZero),
                ["secondsPerActivePerson"] = Seconds(active),
                ["activePersons"] = active,
            };
        }
        return new JsonObject
        {
            ["all"] = Totals(rows),
            ["byPlatform"] = new JsonArray(rows.GroupBy(r => r.Platform).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (JsonNode)new JsonObject { ["value"] = g.Key, ["sessions"] = Totals(g.ToList()) }).ToArray()),
            ["gapMinutes"] = gapMinutes,
        };
    }
}
