using System.Text.Json;
using System.Text.Json.Serialization;
using Funnel.Metrics;

namespace Funnel.Reports;

/// <summary>A target as the report shows it: the figure's value, the target, attainment and the traffic light.</summary>
public sealed record TargetResult(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("actual")] double? Actual,
    [property: JsonPropertyName("target")] double Target,
    [property: JsonPropertyName("better")] string Better,
    [property: JsonPropertyName("attainment")] double? Attainment,
    [property: JsonPropertyName("status")] string Status)
{
    /// <summary>The target's display names by language, from the definitions; left out of the JSON when there are none.</summary>
    [JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public const string Green = "green";
    public const string Amber = "amber";
    public const string Red = "red";
    public const string Unknown = "unknown";
}

/// <summary>Judges a report's figures against the definitions' targets (达成率, 红黄绿灯).</summary>
public static class ReportTargets
{
    /// <summary>Each target in definition order; null when there are none, so the report leaves the block out.</summary>
    public static IReadOnlyList<TargetResult>? Evaluate(DailyReport report, IReadOnlyList<TargetDefinition>? targets)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (targets is not { Count: > 0 })
        {
            return null;
        }
        var root = JsonSerializer.SerializeToNode(report with { Targets = null }, ReportJson.Options)!;
        return [.. targets.Select(t => Judge(t, FigurePath.Read(root, t.Figure)))];
    }

    /// <summary>
    /// Green when the target is met, amber when missed by no more than the amber band, red beyond; unknown without a
    /// figure. Compared in decimal so 0.07 against 0.06 misses by exactly 0.01, as a reader would count.
    /// </summary>
    public static TargetResult Judge(TargetDefinition target, double? actual)
    {
        ArgumentNullException.ThrowIfNull(target);
        var goal = target.Target ?? throw new ArgumentException($"target '{target.Figure}' has no value", nameof(target));
        var lower = target.Better == TargetDefinition.Lower;
        if (actual is not { } value || !double.IsFinite(value))
        {
            return new TargetResult(target.Figure, null, goal, target.Better, null, TargetResult.Unknown) { Labels = target.Labels };
        }
        var shortfall = lower ? Exact(value) - Exact(goal) : Exact(goal) - Exact(value);
        var status = shortfall <= 0 ? TargetResult.Green : shortfall <= Exact(target.Amber ?? 0) ? TargetResult.Amber : TargetResult.Red;
        var attainment = lower ? (value == 0 ? (double?)null : goal / value) : (goal == 0 ? null : value / goal);
        return new TargetResult(target.Figure, value, goal, target.Better, attainment is { } a ? ReportNumbers.Finite(a) : null, status) { Labels = target.Labels };
    }

    private static decimal Exact(double value) => Math.Abs(value) < 7.9e27 ? (decimal)value : (decimal)Math.CopySign(7.9e27, value);
}
