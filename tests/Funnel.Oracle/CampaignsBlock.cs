using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>
/// The <c>campaigns</c> block: every conversion of the 30 days ending on the report day (a person's first event, signup,
/// first purchase, each purchase's revenue) credited by first touch (the person's earliest event naming a campaign) and by
/// last touch (their latest such event at or before the conversion), each only when at most 30 × 24 h before it; ties in
/// time go to the ordinally smallest campaign. Campaigns are compared as the event's campaign text (source, medium and name
/// joined by U+001F).
/// </summary>
public static class CampaignsBlock
{
    private const char Separator = '\u001f';
    private static readonly string[] Measures = ["newPersons", "signups", "firstPurchases", "revenue"];

    public static JsonObject Build(IReadOnlyList<Person> persons, int d, OracleDefinitions definitions)
    {
        var first = new Dictionary<string, decimal[]>(StringComparer.Ordinal);
        var last = new Dictionary<string, decimal[]>(StringComparer.Ordinal);
        foreach (var person in persons)
        {
            var touches = person.Events.Where(k => k.Event.Campaign is not null)
                .Select(k => (At: k.Event.Timestamp, Campaign: k.Event.Campaign!))
                .OrderBy(t => t.At).ThenBy(t => t.Campaign, StringComparer.Ordinal).ToList();
            foreach (var (at, measure, amount) in Conversions(person, d))
            {
                var firstTouch = touches.Take(1).Where(t => t.At <= at && at - t.At <= ReportWindows.CampaignAttributionDays * ReportWindows.DayMs)
                    .Select(t => t.Campaign).FirstOrDefault() ?? "";
                var lastTouch = touches.Where(t => t.At <= at).OrderByDescending(t => t.At).ThenBy(t => t.Campaign, StringComparer.Ordinal).Take(1)
                    .Where(t => at - t.At <= ReportWindows.CampaignAttributionDays * ReportWindows.DayMs).Select(t => t.Campaign).FirstOrDefault() ?? "";
                Add(first, firstTouch, measure, amount);
                Add(last, lastTouch, measure, amount);
            }
        }
        var inWindow = (definitions.Spend ?? []).Where(s => s.Day.DayNumber <= d && s.Day.DayNumber > d - ReportWindows.CampaignWindowDays).ToList();
        var costs = MoneyBlock.Costs(d, definitions);
        var campaigns = new JsonArray();
        var keys = first.Keys.Concat(last.Keys).Where(k => k.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            var parts = key.Split(Separator);
            var rows = inWindow.Where(s => s.Campaign is not null && s.Channel == parts[0] && s.Campaign == parts[2]).ToList();
            decimal? spend = parts[0].Length > 0 && parts[2].Length > 0 && rows.Count > 0 ? rows.Sum(s => s.Amount) : null;
            campaigns.Add(new JsonObject
            {
                ["source"] = NullIfEmpty(parts[0]),
                ["medium"] = NullIfEmpty(parts[1]),
                ["name"] = NullIfEmpty(parts[2]),
                ["firstTouch"] = Credited(first.GetValueOrDefault(key), spend),
                ["lastTouch"] = Credited(last.GetValueOrDefault(key), spend),
                ["spend"] = spend,
            });
        }
        var channels = new JsonArray();
        foreach (var source in keys.Select(k => k.Split(Separator)[0]).Where(s => s.Length > 0).Distinct().Order(StringComparer.Ordinal))
        {
            decimal[] Sum(Dictionary<string, decimal[]> model) => [.. Enumerable.Range(0, Measures.Length).Select(i =>
                model.Where(m => m.Key.Length > 0 && m.Key.Split(Separator)[0] == source).Sum(m => m.Value[i]))];
            decimal? spend = costs.TryGetValue(source, out var cost) ? cost : null;
            channels.Add(new JsonObject
            {
                ["channel"] = source,
                ["firstTouch"] = Credited(Sum(first), spend),
                ["lastTouch"] = Credited(Sum(last), spend),
                ["spend"] = spend,
            });
        }
        return new JsonObject
        {
            ["windowDays"] = ReportWindows.CampaignWindowDays,
            ["attributionDays"] = ReportWindows.CampaignAttributionDays,
            ["campaigns"] = campaigns,
            ["channels"] = channels,
            ["notAttributed"] = new JsonObject
            {
                ["firstTouch"] = Credited(first.GetValueOrDefault(""), null),
                ["lastTouch"] = Credited(last.GetValueOrDefault(""), null),
            },
        };
    }

    /// <summary>A person's conversions in the window: (instant, measure, amount).</summary>
    private static IEnumerable<(long At, int Measure, decimal Amount)> Conversions(Person person, int d)
    {
        bool InWindow(int day) => day <= d && day > d - ReportWindows.CampaignWindowDays;
        if (InWindow(person.FirstSeenDay))
        {
            yield return (person.FirstSeenAt, 0, 1);
        }
        if (person.Signup is { } signup && InWindow(signup.Day))
        {
            yield return (signup.Event.Timestamp, 1, 1);
        }
        var purchases = person.Purchases.OrderBy(k => k.Event.Timestamp).ToList();
        if (purchases.Count > 0 && InWindow(purchases[0].Day))
        {
            yield return (purchases[0].Event.Timestamp, 2, 1);
        }
        foreach (var purchase in purchases.Where(k => InWindow(k.Day)))
        {
            yield return (purchase.Event.Timestamp, 3, purchase.Event.Revenue ?? 0);
        }
    }

    private static void Add(Dictionary<string, decimal[]> model, string campaign, int measure, decimal amount)
    {
        if (!model.TryGetValue(campaign, out var counts))
        {
            model[campaign] = counts = new decimal[Measures.Length];
        }
        counts[measure] += amount;
    }

    private static JsonObject Credited(decimal[]? counts, decimal? spend)
    {
        var c = counts ?? new decimal[Measures.Length];
        return new JsonObject
        {
            ["newPersons"] = (long)c[0],
            ["signups"] = (long)c[1],
            ["firstPurchases"] = (long)c[2],
            ["revenue"] = c[3],
            ["roi"] = spend is { } s && s > 0 ? (double)Math.Round((c[3] - s) / s, ReportWindows.RateDecimals, MidpointRounding.AwayFromZero) : null,
        };
    }

    private static string? NullIfEmpty(string part) => part.Length == 0 ? null : part;
}
