using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>
/// The <c>purchases</c> block from each person's purchases by the report day: the first one names the cohort, the second one
/// is the repurchase; orders and GMV are plain sums over the purchase events of the day and of the last 30 days.
/// </summary>
public static class PurchasesBlock
{
    public static JsonObject Build(IReadOnlyList<Person> persons, int reportDay)
    {
        var payers = persons
            .Select(p => (Person: p, Bought: p.Purchases.Where(k => k.Day <= reportDay).OrderBy(k => k.Event.Timestamp).ToList()))
            .Where(x => x.Bought.Count > 0)
            .Select(x => (x.Person, First: x.Bought[0], Second: x.Bought.Count > 1 ? x.Bought[1] : null))
            .ToList();
        var cohorts = payers.Where(x => x.First.Day <= reportDay && reportDay - x.First.Day < ReportWindows.PurchaseCohortDays)
            .GroupBy(x => x.First.Day).OrderBy(g => g.Key).ToList();
        bool Within(KnownEvent first, KnownEvent? second, int days) => second is not null && second.Event.Timestamp - first.Event.Timestamp <= days * ReportWindows.DayMs;
        long Repurchased(IEnumerable<(Person Person, KnownEvent First, KnownEvent? Second)> members, int days) => members.Count(x => Within(x.First, x.Second, days));

        var funnelCohorts = new JsonArray();
        var retention = new JsonArray();
        foreach (var cohort in cohorts)
        {
            long size = cohort.Count();
            var row = new JsonObject { ["day"] = ZoneCalendar.DayText(cohort.Key), ["firstPurchases"] = size };
            foreach (var (days, name) in ReportWindows.RepurchaseWindowDays.Zip(["within7", "within30"]))
            {
                var count = Repurchased(cohort, days);
                row[name] = new JsonObject { ["count"] = count, ["rate"] = Figures.Share(count, size), ["mature"] = reportDay - cohort.Key >= days };
            }
            funnelCohorts.Add(row);
            double? ActiveShare(int n) => cohort.Key + n > reportDay ? null : Figures.Share(cohort.Count(x => x.Person.ActiveOn(cohort.Key + n)), size);
            var lastWindow = ReportWindows.RepurchaseWindowDays[^1];
            retention.Add(new JsonObject
            {
                ["day"] = ZoneCalendar.DayText(cohort.Key),
                ["size"] = size,
                ["d1"] = ActiveShare(ReportWindows.PayerActiveDays[0]),
                ["d7"] = ActiveShare(ReportWindows.PayerActiveDays[1]),
                ["d30"] = ActiveShare(ReportWindows.PayerActiveDays[2]),
                ["repurchase30"] = reportDay - cohort.Key >= lastWindow ? Figures.Share(Repurchased(cohort, lastWindow), size) : null,
            });
        }
        JsonObject Pooled(int days)
        {
            var mature = cohorts.Where(c => reportDay - c.Key >= days).TakeLast(ReportWindows.PooledMatureCohorts).ToList();
            long size = mature.Sum(c => c.Count());
            var repurchased = mature.Sum(c => Repurchased(c, days));
            return new JsonObject
            {
                ["from"] = mature.Count == 0 ? null : ZoneCalendar.DayText(mature[0].Key),
                ["to"] = mature.Count == 0 ? null : ZoneCalendar.DayText(mature[^1].Key),
                ["firstPurchases"] = size,
                ["repurchased"] = repurchased,
                ["rate"] = mature.Count == 0 ? null : Figures.Share(repurchased, size),
            };
        }

        var orders = persons.SelectMany(p => p.Purchases.Where(k => k.Day <= reportDay && reportDay - k.Day < ReportWindows.MonthDays)
            .Select(k => (Order: k, p.Channel, p.Platform))).ToList();
        JsonObject Totals(IEnumerable<KnownEvent> some)
        {
            var list = some.ToList();
            var gmv = Person.Revenue(list);
            return new JsonObject { ["orders"] = list.Count, ["gmv"] = gmv, ["aov"] = list.Count == 0 ? 0m : Figures.Money(gmv / list.Count) };
        }
        JsonArray By(Func<(KnownEvent Order, string Channel, string Platform), string> key) => new(orders
            .GroupBy(key).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (JsonNode)new JsonObject
            {
                ["value"] = g.Key,
                ["day"] = Totals(g.Where(x => x.Order.Day == reportDay).Select(x => x.Order)),
                ["last30"] = Totals(g.Select(x => x.Order)),
            }).ToArray());

        return new JsonObject
        {
            ["funnel"] = new JsonObject
            {
                ["cohorts"] = funnelCohorts,
                ["within7"] = Pooled(ReportWindows.RepurchaseWindowDays[0]),
                ["within30"] = Pooled(ReportWindows.RepurchaseWindowDays[1]),
            },
            ["newPayers"] = new JsonObject
            {
                ["day"] = payers.Count(x => x.First.Day == reportDay),
                ["last7"] = payers.Count(x => reportDay - x.First.Day < ReportWindows.WeekDays),
                ["last30"] = payers.Count(x => reportDay - x.First.Day < ReportWindows.MonthDays),
            },
            ["payerRetention"] = retention,
            ["orders"] = new JsonObject
            {
                ["day"] = Totals(orders.Where(x => x.Order.Day == reportDay).Select(x => x.Order)),
                ["last30"] = Totals(orders.Select(x => x.Order)),
                ["byChannel"] = By(x => x.Channel),
                ["byPlatform"] = By(x => x.Platform),
            },
        };
    }
}
