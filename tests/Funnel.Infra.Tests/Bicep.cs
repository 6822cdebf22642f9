using System.Reflection;
using System.Text.Json.Nodes;

namespace Funnel.Infra.Tests;

/// <summary>Runs the Bicep CLI restored from the NuGet package Azure.Bicep.CommandLine.linux-x64.</summary>
internal static class Bicep
{
    public static string Executable { get; } = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepPath").Value!;

    public static (int ExitCode, string Output) Run(params string[] args) =>
        ProcessRunner.RunAsync(Executable, args, RepoPaths.Of("infra")).GetAwaiter().GetResult();

    private static readonly Lazy<JsonObject> Compiled = new(() =>
    {
        var (exitCode, output) = Run("build", RepoPaths.Of("infra", "main.bicep"), "--stdout");
        return exitCode == 0 ? JsonNode.Parse(output)!.AsObject() : throw new InvalidOperationException($"bicep build failed: {output}");
    });

    /// <summary>The ARM JSON of infra/main.bicep.</summary>
    public static JsonObject MainTemplate => Compiled.Value;

    /// <summary>The nested template of one module deployment, by its deployment name.</summary>
    public static JsonObject Module(string name) =>
        Resources(MainTemplate).Single(r => r["type"]!.ToString() == "Microsoft.Resources/deployments" && r["name"]!.ToString() == name)["properties"]!["template"]!.AsObject();

    /// <summary>A template's resources, whether listed (classic) or keyed by symbolic name (languageVersion 2.0).</summary>
    public static List<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => r!.AsObject()).ToList(),
        JsonObject map => map.Select(p => p.Value!.AsObject()).ToList(),
        _ => [],
    };

    public static JsonObject Resource(JsonObject template, string type) => Resources(template).Single(r => r["type"]!.ToString() == type);
}
