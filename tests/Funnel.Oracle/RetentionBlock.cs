using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>retention</c> block: signup cohorts of the newest 31 days, calendar and rolling.</summary>
public static class RetentionBlock
{
    public static JsonObject Build(IEnumerable<Person> persons, int reportDay, ZoneCalendar calendar)
    {
        var signedUp = persons.Select(p => (Person: p, Signup: p.Signup)).Where(s => s.Signup is not null).ToList();
        var cohorts = new JsonArray();
        for (var cohort = reportDay - ReportWindows.RetentionCohortDays + 1; cohort <= reportDay; cohort++)
        {
            var day = cohort;
            var members = signedUp.Where(s => s.Signup!.Day == day).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            double? OnDay(int n) => day + n > reportDay ? null : Figures.Share(members.Count(m => m.Person.ActiveOn(day + n)), members.Count);
            // Rolling Dn is known once a member signing up at the last instant of the cohort day has had the whole window.
            double? Rolling(int n) => calendar.StartOf(day + 1) + (n + 1) * ReportWindows.DayMs > calendar.StartOf(reportDay + 1)
                ? null
                : Figures.Share(members.Count(m => m.Person.Events.Any(k =>
                    k.Event.Timestamp >= m.Signup!.Event.Timestamp + n * ReportWindows.DayMs && k.Event.Timestamp < m.Signup.Event.Timestamp + (n + 1) * ReportWindows.DayMs)), members.Count);
            var rolling = new JsonObject();
            foreach (var n in ReportWindows.RollingRetentionDays)
            {
                rolling["d" + n] = Rolling(n);
            }
            cohorts.Add(new JsonObject
            {
                ["day"] = ZoneCalendar.DayText(cohort),
                ["size"] = members.Count,
                ["days"] = new JsonArray(Enumerable.Range(0, ReportWindows.RetentionLastDay + 1).Select(n => (JsonNode?)OnDay(n)).ToArray()),
                ["d1"] = OnDay(1),
                ["d7"] = OnDay(7),
                ["d30"] = OnDay(30),
                ["rolling"] = rolling,
                ["breakdowns"] = new JsonObject
                {
                    ["channel"] = Rows(members.Select(m => m.Person), p => p.Channel, day, reportDay),
                    ["platform"] = Rows(members.Select(m => m.Person), p => p.Platform, day, reportDay),
                },
            });
        }
        return new JsonObject { ["cohorts"] = cohorts };
    }

    /// <summary>A cohort's members by a first-touch value, each value's D1, D7 and D30 (null until the day has come).</summary>
    private static JsonArray Rows(IEnumerable<Person> members, Func<Person, string> value, int cohort, int reportDay) =>
        new(members.GroupBy(value).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            double? On(int n) => cohort + n > reportDay ? null : Figures.Share(g.Count(p => p.ActiveOn(cohort + n)), g.Count());
            return (JsonNode)new JsonObject { ["value"] = g.Key, ["size"] = g.Count(), ["d1"] = On(1), ["d7"] = On(7), ["d30"] = On(30) };
        }).ToArray());
}
