using System.Text.Json.Serialization;

namespace Funnel.Metrics;

public sealed record ActivityReport(
    [property: JsonPropertyName("dau")] long Dau,
    [property: JsonPropertyName("wau")] long Wau,
    [property: JsonPropertyName("mau")] long Mau,
    [property: JsonPropertyName("stickiness")] double Stickiness,
    [property: JsonPropertyName("newPersons")] long NewPersons,
    [property: JsonPropertyName("newPersonsRate")] double NewPersonsRate,
    [property: JsonPropertyName("returning")] long Returning,
    [property: JsonPropertyName("resurrected")] long Resurrected);
