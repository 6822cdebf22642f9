using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>高意向 persons as of the report day, by first-touch channel (most persons first).</summary>
public sealed record HighIntentReport(
    [property: JsonPropertyName("persons")] long Persons,
    [property: JsonPropertyName("byChannel")] IReadOnlyList<HighIntentChannel> ByChannel);

public sealed record HighIntentChannel(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("persons")] long Persons);
