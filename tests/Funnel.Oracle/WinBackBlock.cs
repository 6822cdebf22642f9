using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>winBack</c> block: for each of the last 30 days, who came back after a long silence and who stayed.</summary>
public static class WinBackBlock
{
    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay)
    {
        var cohorts = new JsonArray();
        long matureReturned = 0, matureAgain = 0;
        for (var r = reportDay - ReportWindows.WinBackCohortDays + 1; r <= reportDay; r++)
        {
            var back = persons.Where(p => p.ActiveOn(r) && p.ActiveDays.Where(d => d < r).DefaultIfEmpty(int.MaxValue).Max() is var previous
                && previous != int.MaxValue && r - previous >= ReportWindows.WinBackQuietDays).ToList();
            if (back.Count == 0)
            {
                continue;
            }
            var again = back.Count(p => p.ActiveDays.Any(d => d > r && d <= r + ReportWindows.WinBackFollowDays && d <= reportDay));
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
        return new JsonObject
        {
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
