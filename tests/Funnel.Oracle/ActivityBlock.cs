using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>activity</c> block over persons seen up to the report day.</summary>
public static class ActivityBlock
{
    public static JsonObject Build(IEnumerable<Person> persons, int reportDay)
    {
        var days = persons.Select(p => p.ActiveDays.Where(d => d <= reportDay).ToList()).Where(d => d.Count > 0).ToList();
        var today = days.Where(d => d.Contains(reportDay)).ToList();
        long dau = today.Count;
        long wau = days.Count(d => d.Max() > reportDay - ReportWindows.WeekDays);
        long mau = days.Count(d => d.Max() > reportDay - ReportWindows.MonthDays);
        var before = today.Select(d => d.Where(x => x < reportDay).ToList()).ToList();
        long newPersons = before.Count(b => b.Count == 0);
        return new JsonObject
        {
            ["dau"] = dau,
            ["wau"] = wau,
            ["mau"] = mau,
            ["stickiness"] = Figures.Share(dau, mau),
            ["newPersons"] = newPersons,
            ["newPersonsRate"] = Figures.Share(newPersons, dau),
            ["returning"] = before.Count(b => b.Count > 0),
            ["resurrected"] = before.Count(b => b.Count > 0 && reportDay - b.Max() > ReportWindows.ResurrectionQuietDays),
        };
    }
}
