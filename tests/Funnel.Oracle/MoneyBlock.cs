using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>money</c> block: paying persons and revenue of the last 30 days, and per costed channel CAC and 90-day LTV.</summary>
public static class MoneyBlock
{
    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay, OracleDefinitions definitions)
    {
        bool InMonth(int day) => day <= reportDay && day > reportDay - ReportWindows.MonthDays;
        var recent = persons.Select(p => p.Purchases.Where(k => InMonth(k.Day)).ToList()).Where(p => p.Count > 0).ToList();
        long paying = recent.Count;
        var revenue = recent.Sum(Person.Revenue);
        long mau = persons.Count(p => p.ActiveDays.Any(InMonth));
        decimal PerPerson(long count) => count == 0 ? 0 : Figures.Money(revenue / count);

        var channels = new JsonArray();
        foreach (var (channel, cost) in Costs(reportDay, definitions).OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var touched = persons.Where(p => p.Channel == channel).ToList();
            long newcomers = touched.Count(p => p.FirstSeenDay <= reportDay && p.FirstSeenDay > reportDay - ReportWindows.AcquisitionDays);
            long signups = touched.Count(p => p.Signup is { } s && s.Day <= reportDay && s.Day > reportDay - ReportWindows.AcquisitionDays);
            decimal? cac = signups == 0 ? null : Figures.Money(cost / signups);
            var ltvCohort = touched.Where(p => p.FirstSeenDay >= reportDay - ReportWindows.LtvCohortLastDay && p.FirstSeenDay <= reportDay - ReportWindows.LtvCohortFirstDay).ToList();
            decimal? ltv = ltvCohort.Count == 0 ? null : Figures.Money(ltvCohort.Sum(p =>
                Person.Revenue(p.Purchases.Where(k => k.Event.Timestamp < p.FirstSeenAt + ReportWindows.LtvDays * ReportWindows.DayMs && k.Day <= reportDay))) / ltvCohort.Count);
            channels.Add(new JsonObject
            {
                ["channel"] = channel,
                ["newPersons"] = newcomers,
                ["newSignups"] = signups,
                ["cost"] = cost,
                ["cac"] = cac,
                ["ltv90"] = ltv,
                ["ltvToCac"] = ltv is { } l && cac is { } c && c != 0 ? (double)Math.Round(l / c, ReportWindows.RateDecimals, MidpointRounding.AwayFromZero) : null,
            });
        }
        return new JsonObject
        {
            ["payingPersons"] = paying,
            ["payingConversion"] = Figures.Share(paying, mau),
            ["revenue"] = revenue,
            ["arpu"] = PerPerson(mau),
            ["arppu"] = PerPerson(paying),
            ["channels"] = channels,
        };
    }

    /// <summary>A channel's cost: its spend rows of the 30 days ending on the report day when it has any there, else 30 daily costs.</summary>
    public static Dictionary<string, decimal> Costs(int reportDay, OracleDefinitions definitions)
    {
        var spent = (definitions.Spend ?? []).Where(s => s.Day.DayNumber <= reportDay && s.Day.DayNumber > reportDay - ReportWindows.AcquisitionDays).ToList();
        var costs = definitions.ChannelDailyCosts.ToDictionary(c => c.Key, c => c.Value * ReportWindows.AcquisitionDays, StringComparer.Ordinal);
        foreach (var channel in spent.Select(s => s.Channel).Distinct())
        {
            costs[channel] = spent.Where(s => s.Channel == channel).Sum(s => s.Amount);
        }
        return costs;
    }
}
