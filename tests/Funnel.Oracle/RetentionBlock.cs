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
            });
        }
        return new JsonObject { ["cohorts"] = cohorts };
    }
}
