using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Funnel.Reports.Rendering;

/// <summary>
/// <c>report.csv</c>: every figure of the report, one row each, columns
/// <c>section,name,cohort,step,breakdown,value,path</c>. <c>path</c> is where the same value stands in
/// <c>report.json</c>, so a spreadsheet row can be traced. UTF-8 with BOM (Excel reads Chinese labels),
/// RFC 4180 quoting, and text cells that a spreadsheet would run as a formula prefixed with <c>'</c>.
/// </summary>
public static class ReportCsv
{
    public static readonly string[] Columns = ["section", "name", "cohort", "step", "breakdown", "value", "path"];

    public static byte[] Render(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var root = JsonSerializer.SerializeToNode(report, ReportJson.Options)!.AsObject();
        var csv = new StringBuilder();
        AppendRow(csv, Columns);
        // Experiments compare variants along the first (lifecycle) funnel's steps.
        var lifecycleSteps = report.Funnels.Count > 0 ? report.Funnels[0].Steps.Select(s => s.Name).ToList() : [];
        foreach (var (key, value) in root)
        {
            if (key is "funnels" or "experiments")
            {
                var items = value!.AsArray();
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i]!.AsObject();
                    var steps = key == "funnels" ? item["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList() : lifecycleSteps;
                    Walk(csv, $"{key[..^1]}:{item["name"]}", item, $"{key}[{i}]", new Context(null, null, null, steps));
                }
            }
            else
            {
                Walk(csv, key, value, key, new Context(null, null, null, null));
            }
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    private sealed record Context(string? Cohort, string? Step, string? Breakdown, IReadOnlyList<string>? StepNames, string Name = "");

    private static void Walk(StringBuilder csv, string section, JsonNode? node, string path, Context context)
    {
        switch (node)
        {
            case JsonObject obj:
                var cohort = obj["day"] is JsonValue day && day.TryGetValue<string>(out var d) && path.Contains('[', StringComparison.Ordinal) ? d : context.Cohort;
                var breakdown = context.Breakdown;
                // An experiment's test names the step it is on: the step column, like a funnel step's figures.
                var testedStep = context.Name.EndsWith(".tests", StringComparison.Ordinal) && obj["step"] is JsonValue s && s.TryGetValue<string>(out var stepName) ? stepName : null;
                // A target's figure, and a compared figure's or step's name, say which row it is: the breakdown column, like a breakdown's value.
                var label = section is "targets" ? "figure" : section is "comparisons" && path.Contains('[', StringComparison.Ordinal) ? "name" : "value";
                if (obj[label] is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    breakdown = (breakdown is null ? "" : breakdown + ";") + (label == "value" ? BreakdownName(path) : "figure") + "=" + text
                        + (obj["experiment"] is JsonValue e && e.TryGetValue<string>(out var experiment) ? $" ({experiment})" : "");
                }
                // A campaign's source, medium and name (or a campaign channel's name) say which row it is, in the breakdown column too.
                var campaignRow = section is "campaigns" && path.EndsWith(']') ? CampaignRow(obj) : null;
                if (campaignRow is not null)
                {
                    breakdown = campaignRow;
                }
                foreach (var (key, child) in obj)
                {
                    // A cohort's day and a breakdown's value say which row a figure is in; they are columns, not figures.
                    if ((key == "day" && cohort is not null && path.Contains('[', StringComparison.Ordinal)) || ((key == label || key == "experiment") && breakdown != context.Breakdown)
                        || (key == "step" && testedStep is not null))
                    {
                        continue;
                    }
                    Walk(csv, section, child, $"{path}.{key}", context with { Cohort = cohort, Step = testedStep ?? context.Step, Breakdown = breakdown, Name = Join(context.Name, key) });
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var step = context.Step;
                    var name = context.Name;
                    if (context.StepNames is { } names && name.Contains('.', StringComparison.Ordinal)
                        && (name.EndsWith("steps", StringComparison.Ordinal) || name.EndsWith("secondsToConvert", StringComparison.Ordinal)) && i < names.Count)
                    {
                        step = names[i];
                    }
                    else if (name.EndsWith("days", StringComparison.Ordinal))
                    {
                        name = $"{name}.D{i}";
                    }
                    else if (array[i] is not JsonObject)
                    {
                        name = $"{name}[{i}]";
                    }
                    Walk(csv, section, array[i], $"{path}[{i}]", context with { Step = step, Name = name });
                }
                break;
            case JsonValue value:
                AppendRow(csv, [section, context.Name, context.Cohort ?? "", context.Step ?? "", context.Breakdown ?? "", Format(value), path]);
                break;
            default:
                AppendRow(csv, [section, context.Name, context.Cohort ?? "", context.Step ?? "", context.Breakdown ?? "", "", path]);
                break;
        }
    }

    /// <summary><c>campaign=source/medium/name</c> (an absent part empty) for a campaign's row, <c>channel=…</c> for a channel's.</summary>
    private static string? CampaignRow(JsonObject row)
    {
        static string Part(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var text) ? text : "";
        return row.ContainsKey("channel") ? $"channel={Part(row["channel"])}"
            : row.ContainsKey("source") ? $"campaign={Part(row["source"])}/{Part(row["medium"])}/{Part(row["name"])}" : null;
    }

    private static string BreakdownName(string path)
    {
        var end = path.LastIndexOf('[');
        var start = path.LastIndexOf('.', end) + 1;
        return path[start..end];
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";

    private static string Format(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    private static void AppendRow(StringBuilder csv, string[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }
            csv.Append(Cell(cells[i], numeric: i == 5));
        }
        csv.Append("\r\n");
    }

    /// <summary>Quotes per RFC 4180; a text cell starting with = + - @ (or a tab or CR) gets a leading ' so spreadsheets show it instead of running it.</summary>
    public static string Cell(string text, bool numeric = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var neutral = !numeric || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (neutral && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 || text.StartsWith(' ') || text.EndsWith(' ')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
