using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 目标: a figure of the report (<see cref="Figure"/>, a path into report.json such as <c>funnels[lifecycle].cohorts[2026-12-01].steps[1].rate</c>),
/// the value it should reach, which direction is better, how far it may miss and still be amber, and its display
/// names by language (<see cref="DisplayLabels"/>).
/// </summary>
public sealed record TargetDefinition(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("target")] double? Target,
    [property: JsonPropertyName("better")] string Better,
    [property: JsonPropertyName("amber")] double? Amber = null,
    [property: JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Labels = null)
{
    public const string Higher = "higher";
    public const string Lower = "lower";
}
