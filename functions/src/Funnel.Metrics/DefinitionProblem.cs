using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>One thing wrong with a definitions document: the field's path (<c>funnels[0].steps[2].windowDays</c>) and why.</summary>
public sealed record DefinitionProblem(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("reason")] string Reason)
{
    /// <summary>The path of a problem with the document as a whole.</summary>
    public const string Document = "(document)";

    /// <summary>All problems in one line, as errors and logs show them.</summary>
    public static string Describe(IEnumerable<DefinitionProblem> problems) => string.Join("; ", problems.Select(p => $"{p.Path}: {p.Reason}"));

    /// <summary>A JSON reader's path (<c>$.funnels[0].name</c>) in the documents' own terms.</summary>
    public static string PathOf(string? jsonPath) => jsonPath is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : Document;
}
