using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>layers</c> block as of the report day.</summary>
public static class LayersBlock
{
    public static JsonObject Build(IEnumerable<Person> persons, int reportDay)
    {
        var seen = persons.Where(p => p.ActiveDays.Any(d => d <= reportDay)).ToList();
        bool Active(Person p) => p.ActiveDays.Any(d => d <= reportDay && d > reportDay - ReportWindows.MonthDays);
        bool PaidIn30(Person p) => p.Purchases.Any(k => k.Day <= reportDay && k.Day > reportDay - ReportWindows.MonthDays);
        var newcomers = seen.Where(p => p.Signup is { } s && s.Day <= reportDay && s.Day > reportDay - ReportWindows.NewLayerDays).ToList();
        var active = seen.Where(Active).ToList();
        var neverPaid = active.Where(p => !p.Purchases.Any(k => k.Day <= reportDay - ReportWindows.MonthDays)).ToList();

        var revenue90 = seen
            .Select(p => p.Purchases.Where(k => k.Day <= reportDay && k.Day > reportDay - ReportWindows.HighValueRevenueDays).ToList())
            .Where(purchases => purchases.Count > 0)
            .Select(Person.Revenue)
            .OrderByDescending(r => r)
            .ToList();
        long highValue = 0;
        if (revenue90.Count > 0)
        {
            var top = (revenue90.Count * ReportWindows.HighValueTopPercent + 99) / 100;
            highValue = revenue90.Count(r => r >= revenue90[top - 1]);
        }
        return new JsonObject
        {
            ["new"] = newcomers.Count,
            ["active"] = active.Count,
            ["highValue"] = highValue,
            ["dormant"] = seen.Count - active.Count,
            ["activeNeverPaid"] = neverPaid.Count,
            ["purchaseConversion"] = new JsonObject
            {
                ["new"] = Figures.Share(newcomers.Count(PaidIn30), newcomers.Count),
                ["active"] = Figures.Share(active.Count(PaidIn30), active.Count),
                ["activeNeverPaid"] = Figures.Share(neverPaid.Count(PaidIn30), neverPaid.Count),
            },
        };
    }
}
