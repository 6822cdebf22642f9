using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>An audience file beside the report (<see cref="File"/>, under the report's day): its persons and the suggested action by language.</summary>
public sealed record AudienceReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("persons")] long Persons,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("action")] IReadOnlyDictionary<string, string> Action);
