using System.Reflection;
using System.Text.Json;

namespace Funnel.Functions.Tests.FunctionApp;

/// <summary>The files the Worker SDK wrote beside the built function app (functions.metadata, extensions.json, .azurefunctions/).</summary>
internal static class FunctionAppOutput
{
    public static string Directory { get; } = typeof(FunctionAppOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionAppOutput").Value!;

    public static string PathOf(params string[] parts) => Path.Combine([Directory, .. parts]);

    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(PathOf(name))).RootElement.Clone();
}
