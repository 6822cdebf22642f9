using System.Globalization;
using System.Text.Json.Nodes;

namespace Funnel.Metrics;

/// <summary>
/// A figure's dotted path into report.json, as targets name them: <c>money.payingConversion</c>,
/// <c>money.channels[wechat].ltvToCac</c>, <c>comparisons.steps[Activated].rate</c>. A bracket holds an index or
/// selects the array element whose <c>name</c>, <c>value</c>, <c>channel</c> or <c>day</c> equals it.
/// </summary>
public static class FigurePath
{
    /// <summary>The element fields a bracket is matched against, in this order.</summary>
    private static readonly string[] SelectorFields = ["name", "value", "channel", "day"];

    private abstract record Part;

    private sealed record Field(string Name) : Part;

    private sealed record Element(string Selector) : Part;

    /// <summary>Why <paramref name="path"/> cannot be read as a path, or null when it can.</summary>
    public static string? Problem(string path) => Parse(path, out var problem) is null ? problem : null;

    /// <summary>The number at <paramref name="path"/> in <paramref name="report"/>; null when the path leads nowhere or to something that is not a number.</summary>
    public static double? Read(JsonNode report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var parts = Parse(path, out _);
        if (parts is null)
        {
            return null;
        }
        JsonNode? node = report;
        foreach (var part in parts)
        {
            node = (part, node) switch
            {
                (Field f, JsonObject o) => o[f.Name],
                (Element e, JsonArray a) => Select(a, e.Selector),
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
    }

    private static JsonNode? Select(JsonArray array, string selector)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index < array.Count ? array[index] : null;
        }
        foreach (var field in SelectorFields)
        {
            var match = array.FirstOrDefault(e => e is JsonObject o && o[field] is JsonValue v && v.TryGetValue<string>(out var text) && text == selector);
            if (match is not null)
            {
                return match;
            }
        }
        return null;
    }

    private static List<Part>? Parse(string path, out string? problem)
    {
        problem = null;
        var parts = new List<Part>();
        var i = 0;
        var expectField = true;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i + 1);
                if (close < 0 || close == i + 1 || parts.Count == 0)
                {
                    problem = parts.Count == 0 ? "must start with a field name" : $"bracket at {i} must hold an index or a name and close with ]";
                    return null;
                }
                parts.Add(new Element(path[(i + 1)..close]));
                i = close + 1;
                expectField = false;
            }
            else if (path[i] == '.')
            {
                if (expectField)
                {
                    problem = $"empty field name at {i}";
                    return null;
                }
                i++;
                expectField = true;
            }
            else
            {
                if (!expectField)
                {
                    problem = $"expected . or [ at {i}";
                    return null;
                }
                var end = path.IndexOfAny(['.', '['], i);
                end = end < 0 ? path.Length : end;
                parts.Add(new Field(path[i..end]));
                i = end;
                expectField = false;
            }
        }
        if (parts.Count == 0 || expectField)
        {
            problem = "must end with a field name or a bracket";
            return null;
        }
        return parts;
    }
}
