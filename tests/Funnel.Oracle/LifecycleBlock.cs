using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>lifecycle</c> block: each person's stage worked out from scratch for every day asked, by the rules in their order.</summary>
public static class LifecycleBlock
{
    private static readonly string[] Order = ["potential", "new", "growing", "mature", "churnWarning", "churned"];

    /// <summary>The stage as of <paramref name="day"/> from the events that happened by then; null when the person had none.</summary>
    public static string? Stage(Person p, int day)
    {
        var by = p.Events.Where(k => k.Day <= day).ToList();
        if (by.Count == 0)
        {
            return null;
        }
        if (p.Signup is not { } signup || signup.Day > day)
        {
            return "potential";
        }
        if (day - signup.Day < ReportWindows.LifecycleNewDays)
        {
            return "new";
        }
        var last = by.Max(k => k.Day);
        if (day - last >= ReportWindows.LifecycleChurnedQuietDays)
        {
            return "churned";
        }
        if (day - last >= ReportWindows.LifecycleWarningQuietDays)
        {
            return "churnWarning";
        }
        return p.Purchases.Count(k => k.Day <= day) >= ReportWindows.LifecycleMaturePurchases ? "mature" : "growing";
    }

    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay, OracleDefinitions definitions)
    {
        var rows = persons
            .Select(p => (Person: p, Today: Stage(p, reportDay), Yesterday: Stage(p, reportDay - 1), WeekAgo: Stage(p, reportDay - ReportWindows.LifecycleKpiDaysBack)))
            .Where(r => r.Today is not null)
            .ToList();
        var stages = new JsonObject();
        foreach (var stage in Order)
        {
            stages[stage] = rows.Count(r => r.Today == stage);
        }
        var transitions = new JsonArray();
        foreach (var from in Order.Prepend("none"))
        {
            foreach (var to in Order)
            {
                var n = rows.Count(r => (r.Yesterday ?? "none") == from && r.Today == to);
                if (n > 0)
                {
                    transitions.Add(new JsonObject { ["from"] = from, ["to"] = to, ["persons"] = n });
                }
            }
        }

        var potential = rows.Where(r => r.WeekAgo == "potential").ToList();
        var signups = rows.Where(r => r.Person.Signup is { } s && s.Day < reportDay && s.Day >= reportDay - ReportWindows.LifecycleKpiDaysBack).ToList();
        var mature = rows.Where(r => r.Today == "mature").ToList();
        var revenue = mature.Sum(r => Person.Revenue(r.Person.Purchases.Where(k => k.Day <= reportDay && reportDay - k.Day < ReportWindows.LifecycleRevenueDays)));
        var warned = rows.Where(r => r.WeekAgo == "churnWarning").ToList();
        var churned = rows.Where(r => r.WeekAgo == "churned").ToList();
        // 潜在 CAC: every configured cost over every new signup of the acquisition window, organic ones included.
        var costs = MoneyBlock.Costs(reportDay, definitions);
        long newSignups = persons.Count(p => p.Signup is { } s && s.Day <= reportDay && reportDay - s.Day < ReportWindows.AcquisitionDays);
        // 成长 NPS: each respondent's latest answer by the report day, when it falls in the 30 days ending on it.
        var latest = persons.Select(p => p.SurveyAnswers.Where(a => a.Answer.Day <= reportDay).OrderBy(a => a.Answer.Event.Timestamp).ThenBy(a => a.Score).LastOrDefault())
            .Where(a => a.Answer is not null && reportDay - a.Answer.Day < ReportWindows.NpsDays).ToList();
        var promoters = latest.Count(a => a.Score >= ReportWindows.NpsPromoterFrom);
        var detractors = latest.Count(a => a.Score <= ReportWindows.NpsDetractorUpTo);
        // 成熟 LTV: revenue from the signup instant on, per mature person.
        var lifetime = mature.Sum(r => Person.Revenue(r.Person.Purchases.Where(k => k.Day <= reportDay && k.Event.Timestamp >= r.Person.Signup!.Event.Timestamp)));
        JsonArray By(Func<Person, string> value) => new(rows.GroupBy(r => value(r.Person)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["value"] = g.Key,
                ["stages"] = new JsonObject(Order.Select(stage => KeyValuePair.Create(stage, (JsonNode?)g.Count(r => r.Today == stage)))),
            }).ToArray());
        return new JsonObject
        {
            ["stages"] = stages,
            ["transitions"] = transitions,
            ["kpis"] = new JsonObject
            {
                ["potentialSignupRate7"] = Figures.Share(potential.Count(r => r.Person.Signup is { } s && s.Day <= reportDay), potential.Count),
                ["newD1"] = Figures.Share(signups.Count(r => r.Person.ActiveOn(r.Person.Signup!.Day + 1)), signups.Count),
                ["matureRevenue90"] = mature.Count == 0 ? 0m : Figures.Money(revenue / mature.Count),
                ["saveRate7"] = Figures.Share(warned.Count(r => r.Today is "growing" or "mature"), warned.Count),
                ["reactivationRate7"] = Figures.Share(churned.Count(r => r.Person.ActiveDays.Any(d => d <= reportDay && reportDay - d < ReportWindows.LifecycleKpiDaysBack)), churned.Count),
                ["potentialCac"] = costs.Count == 0 || newSignups == 0 ? null : Figures.Money(costs.Values.Sum() / newSignups),
                ["growingNps"] = latest.Count == 0 ? null : (double)Math.Round(100m * (promoters - detractors) / latest.Count, 2, MidpointRounding.AwayFromZero),
                ["npsRespondents"] = latest.Count,
                ["matureLtv"] = mature.Count == 0 ? 0m : Figures.Money(lifetime / mature.Count),
            },
            ["breakdowns"] = new JsonObject { ["channel"] = By(p => p.Channel), ["platform"] = By(p => p.Platform) },
        };
    }
}
