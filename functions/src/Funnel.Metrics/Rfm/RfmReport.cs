using System.Text.Json.Serialization;

namespace Funnel.Metrics;

public sealed record RfmCell(
    [property: JsonPropertyName("r")] int R,
    [property: JsonPropertyName("f")] int F,
    [property: JsonPropertyName("m")] int M,
    [property: JsonPropertyName("persons")] long Persons);

public sealed record RfmGroup([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("persons")] long Persons);

public sealed record RfmReport(
    [property: JsonPropertyName("cells")] IReadOnlyList<RfmCell> Cells,
    [property: JsonPropertyName("groups")] IReadOnlyList<RfmGroup> Groups);
