using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>winBack</c> block: for each of the last 30 days, who came back after a long silence and who stayed.</summary>
public static class WinBackBlock
{
    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay)
    {
        var cohorts = new JsonArray();
        long matureReturned = 0, matureAgain = 0;
        var returns = new List<(Person Person, int Day, bool Again)>();
        for (var r = reportDay - ReportWindows.WinBackCohortDays + 1; r <= reportDay; r++)
        {
            var back = persons.Where(p => p.ActiveOn(r) && p.ActiveDays.Where(d => d < r).DefaultIfEmpty(int.MaxValue).Max() is var previous
                && previous != int.MaxValue && r - previous >= ReportWindows.WinBackQuietDays).ToList();
            if (back.Count == 0)
            {
                continue;
            }
            bool Again(Person p) => p.ActiveDays.Any(d => d > r && d <= r + ReportWindows.WinBackFollowDays && d <= reportDay);
            var again = back.Count(Again);
            returns.AddRange(back.Select(p => (p, r, Again(p))));
            if (r + ReportWindows.WinBackFollowDays <= reportDay)
            {
                matureReturned += back.Count;
                matureAgain += again;
            }
            cohorts.Add(new JsonObject
            {
                ["day"] = ZoneCalendar.DayText(r),
                ["returned"] = back.Count,
                ["activeWithin7"] = again,
                ["rate"] = Figures.Share(again, back.Count),
                ["mature"] = r + ReportWindows.WinBackFollowDays <= reportDay,
            });
        }
        // By first-touch value: every value with a return in the 30 days, its mature returns pooled.
        JsonArray By(Func<Person, string> value) => new(returns.GroupBy(x => value(x.Person)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var mature = g.Where(x => x.Day + ReportWindows.WinBackFollowDays <= reportDay).ToList();
            return (JsonNode)new JsonObject
            {
                ["value"] = g.Key,
                ["returned"] = mature.Count,
                ["activeWithin7"] = mature.Count(x => x.Again),
                ["rate"] = mature.Count == 0 ? null : Figures.Share(mature.Count(x => x.Again), mature.Count),
            };
        }).ToArray());
        return new JsonObject
        {
            ["breakdowns"] = new JsonObject { ["channel"] = By(p => p.Channel), ["platform"] = By(p => p.Platform) },
            ["cohorts"] = cohorts,
            // 唤醒后7日活跃率: the returns whose 7 days have passed, pooled.
            ["mature"] = new JsonObject
            {
                ["returned"] = matureReturned,
                ["activeWithin7"] = matureAgain,
                ["rate"] = matureReturned == 0 ? null : Figures.Share(matureAgain, matureReturned),
            },
        };
    }
}
