using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>One place two JSON documents differ: its path and both values as JSON text (<c>(missing)</c> when absent).</summary>
internal sealed record JsonDifference(string Path, string Expected, string Actual)
{
    public override string ToString() => $"{Path}: expected {Expected}, actual {Actual}";
}

/// <summary>
/// Compares two JSON trees field by field: objects by key (order aside), arrays by position, numbers as exact
/// values (decimal when both fit, else double), everything else by kind and text.
/// </summary>
internal static class JsonComparison
{
    private const string Missing = "(missing)";

    public static List<JsonDifference> Differences(JsonNode? expected, JsonNode? actual)
    {
        var differences = new List<JsonDifference>();
        Compare("$", expected, actual, differences);
        return differences;
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<JsonDifference> differences)
    {
        switch (expected, actual)
        {
            case (null, null):
                return;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    var at = $"{path}.{key}";
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        differences.Add(new JsonDifference(at, e.ContainsKey(key) ? Text(e[key]) : Missing, a.ContainsKey(key) ? Text(a[key]) : Missing));
                    }
                    else
                    {
                        Compare(at, e[key], a[key], differences);
                    }
                }
                return;
            case (JsonArray e, JsonArray a):
                for (var i = 0; i < Math.Max(e.Count, a.Count); i++)
                {
                    if (i >= e.Count || i >= a.Count)
                    {
                        differences.Add(new JsonDifference($"{path}[{i}]", i < e.Count ? Text(e[i]) : Missing, i < a.Count ? Text(a[i]) : Missing));
                    }
                    else
                    {
                        Compare($"{path}[{i}]", e[i], a[i], differences);
                    }
                }
                return;
            case (JsonValue e, JsonValue a) when !SameValue(e, a):
            case (JsonValue or null, JsonObject or JsonArray):
            case (JsonObject or JsonArray, JsonValue or null):
            case (JsonObject, JsonArray):
            case (JsonArray, JsonObject):
            case (null, JsonValue):
            case (JsonValue, null):
                differences.Add(new JsonDifference(path, Text(expected), Text(actual)));
                return;
            default:
                return;
        }
    }

    private static bool SameValue(JsonValue expected, JsonValue actual)
    {
        var (e, a) = (Element(expected), Element(actual));
        if (e.ValueKind != a.ValueKind)
        {
            return false;
        }
        if (e.ValueKind != JsonValueKind.Number)
        {
            return e.GetRawText() == a.GetRawText();
        }
        return e.TryGetDecimal(out var ed) && a.TryGetDecimal(out var ad)
            ? ed == ad
            : double.Parse(e.GetRawText(), CultureInfo.InvariantCulture) == double.Parse(a.GetRawText(), CultureInfo.InvariantCulture);
    }

    /// <summary>A value as parsed JSON, whether the node was parsed or built from a CLR value.</summary>
    private static JsonElement Element(JsonValue value) => JsonDocument.Parse(value.ToJsonString()).RootElement;

    private static string Text(JsonNode? node) => node is null ? "null" : node.ToJsonString();
}
