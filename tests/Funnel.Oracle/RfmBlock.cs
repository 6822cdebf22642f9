using System.Text.Json.Nodes;

namespace Funnel.Oracle;

/// <summary>The <c>rfm</c> block: payers up to the report day scored 1-5 by how many payers are strictly worse.</summary>
public static class RfmBlock
{
    private static readonly (string Name, Func<(int R, int F, int M), bool> Member)[] Groups =
    [
        ("champions", s => s.R >= 4 && s.F >= 4 && s.M >= 4),
        ("loyal", s => s.F >= 4),
        ("new customers", s => s.R >= 4 && s.F == 1),
        ("at risk", s => s.R <= 2 && s.F >= 3),
        ("hibernating", s => s.R <= 2 && s.F <= 2),
        ("others", _ => true),
    ];

    public static JsonObject Build(IEnumerable<Person> persons, int reportDay)
    {
        var payers = persons
            .Select(p => p.Purchases.Where(k => k.Day <= reportDay).ToList())
            .Where(purchases => purchases.Count > 0)
            .Select(purchases => (Recency: reportDay - purchases.Max(k => k.Day), Frequency: purchases.Count, Monetary: Person.Revenue(purchases)))
            .ToList();
        int Score(int worse) => 1 + ReportWindows.RfmScores * worse / payers.Count;
        var scores = payers.Select(p => (
            R: Score(payers.Count(o => o.Recency > p.Recency)),
            F: Score(payers.Count(o => o.Frequency < p.Frequency)),
            M: Score(payers.Count(o => o.Monetary < p.Monetary)))).ToList();
        var cells = new JsonArray();
        for (var r = ReportWindows.RfmScores; r >= 1; r--)
        {
            for (var f = ReportWindows.RfmScores; f >= 1; f--)
            {
                for (var m = ReportWindows.RfmScores; m >= 1; m--)
                {
                    var cell = (r, f, m);
                    cells.Add(new JsonObject { ["r"] = r, ["f"] = f, ["m"] = m, ["persons"] = scores.Count(s => s == cell) });
                }
            }
        }
        var groups = scores.Select(s => Groups.First(g => g.Member(s)).Name).ToList();
        return new JsonObject
        {
            ["cells"] = cells,
            ["groups"] = new JsonArray(Groups.Select(g => (JsonNode)new JsonObject { ["name"] = g.Name, ["persons"] = groups.Count(n => n == g.Name) }).ToArray()),
        };
    }
}
