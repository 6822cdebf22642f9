using System.Text.Json.Serialization;

namespace Funnel.Metrics;

public sealed record SampleRatio(
    [property: JsonPropertyName("expected")] IReadOnlyDictionary<string, double> Expected,
    [property: JsonPropertyName("observed")] IReadOnlyDictionary<string, double> Observed,
    [property: JsonPropertyName("pValue")] double? PValue);

public sealed record VariantStep([property: JsonPropertyName("count")] long Count, [property: JsonPropertyName("rate")] double Rate);

/// <summary>One variant against control on one tested step; control's own test has no lift, p-value or interval.</summary>
public sealed record VariantTest(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("converted")] long Converted,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("lift")] double? Lift,
    [property: JsonPropertyName("pValue")] double? PValue,
    [property: JsonPropertyName("ci95")] IReadOnlyList<double>? Ci95);

/// <summary>
/// One variant against control on the experiment's primary step (the fields of schema 2's single test), and in
/// <see cref="Tests"/> on every tested step; control's own row has no lift, p-value or interval.
/// </summary>
public sealed record VariantReport(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("exposed")] long Exposed,
    [property: JsonPropertyName("converted")] long Converted,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("lift")] double? Lift,
    [property: JsonPropertyName("pValue")] double? PValue,
    [property: JsonPropertyName("ci95")] IReadOnlyList<double>? Ci95,
    [property: JsonPropertyName("steps")] IReadOnlyList<VariantStep> Steps,
    [property: JsonPropertyName("tests")] IReadOnlyList<VariantTest> Tests);

/// <summary>An experiment: its sample-ratio check, its tested steps (<see cref="Step"/> the primary one), and its variants.</summary>
public sealed record ExperimentReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("control")] string Control,
    [property: JsonPropertyName("sampleRatio")] SampleRatio SampleRatio,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("steps")] IReadOnlyList<string> Steps,
    [property: JsonPropertyName("variants")] IReadOnlyList<VariantReport> Variants);
