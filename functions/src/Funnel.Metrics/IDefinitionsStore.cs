using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Funnel.Metrics;

/// <summary>
/// Where the deployed app keeps its definitions document: the one in force, and every uploaded version by its
/// <see cref="DefinitionsDocument.VersionOf">version</see>, so a day's run reads the version it started with to the end.
/// </summary>
public interface IDefinitionsStore
{
    /// <summary>The document in force, or null when none was uploaded (the built-in definitions apply).</summary>
    Task<string?> ReadInForceAsync(CancellationToken cancellationToken);

    /// <summary>An uploaded version of the document, or null when there is none by that name.</summary>
    Task<string?> ReadVersionAsync(string version, CancellationToken cancellationToken);

    /// <summary>Keeps the document under its version, then puts it in force.</summary>
    Task PutInForceAsync(string version, string document, CancellationToken cancellationToken);
}

/// <summary>The definitions as a stored document: its canonical text and the version it is kept under.</summary>
public static class DefinitionsDocument
{
    /// <summary>The version name of <see cref="MetricDefinitions.Default"/>, in force until a document is uploaded.</summary>
    public const string BuiltIn = "built-in";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The text stored for validated definitions: the shape <see cref="MetricDefinitions.Load"/> reads, indented for people.</summary>
    public static string Canonical(MetricDefinitions definitions) => JsonSerializer.Serialize(definitions, Indented);

    /// <summary>A stored document's version: the hex SHA-256 of its text (targets and labels included, unlike <see cref="MetricDefinitions.Hash"/>).</summary>
    public static string VersionOf(string document) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    /// <summary>Whether a string can name a stored version (so it can go into a blob name).</summary>
    public static bool IsVersion(string? version) =>
        version is BuiltIn || version is { Length: 64 } v && v.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
