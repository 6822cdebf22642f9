using System.IO.Compression;
using System.Text.Json.Nodes;
using Funnel.Functions;
using Funnel.Storage;

namespace Funnel.Infra.Tests;

/// <summary>
/// scripts/publish.sh builds a zip the Functions host runs on Flex Consumption: the <c>dotnet publish</c> output of
/// Funnel.Functions, with host.json, worker.config.json, functions.metadata and the host extensions at its root.
/// </summary>
public sealed class PublishPackageTests : IClassFixture<PublishPackageTests.Package>
{
    private readonly Package _package;

    public PublishPackageTests(Package package) => _package = package;

    /// <summary>Publishes once for the class and extracts the zip.</summary>
    public sealed class Package : IDisposable
    {
        public Package()
        {
            Folder = Directory.CreateTempSubdirectory("funnel-package-").FullName;
            var zip = Path.Combine(Folder, "funnel-functions.zip");
            var (exitCode, output) = ProcessRunner.RunAsync("bash", [RepoPaths.Of("scripts", "publish.sh"), zip], timeout: TimeSpan.FromMinutes(10)).GetAwaiter().GetResult();
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"publish.sh failed: {output}");
            }
            using (var archive = ZipFile.OpenRead(zip))
            {
                Entries = archive.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
            }
            Root = Path.Combine(Folder, "app");
            ZipFile.ExtractToDirectory(zip, Root);
        }

        public string Folder { get; }
        public string Root { get; }
        public List<string> Entries { get; }

        /// <summary>A JSON file at the root of the package.</summary>
        public JsonNode Json(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Root, name)))!;

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    [Fact]
    public void Host_json_is_the_projects_at_the_root_of_the_zip()
    {
        Assert.Contains("host.json", _package.Entries);
        var project = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("functions", "src", "Funnel.Functions", "host.json")));
        Assert.True(JsonNode.DeepEquals(project, _package.Json("host.json")), "the packaged host.json differs from functions/src/Funnel.Functions/host.json");
    }

    [Fact]
    public void The_worker_config_starts_the_isolated_worker_from_the_apps_assembly()
    {
        Assert.Contains("worker.config.json", _package.Entries);
        var description = _package.Json("worker.config.json")["description"]!;
        Assert.Equal("dotnet-isolated", description["language"]!.ToString());
        var workerPath = description["defaultWorkerPath"]!.ToString();
        Assert.Equal("Funnel.Functions.dll", workerPath);
        Assert.Contains(workerPath, _package.Entries);
    }

    [Fact]
    public void Functions_metadata_lists_every_function_with_its_trigger()
    {
        Assert.Contains("functions.metadata", _package.Entries);
        var functions = _package.Json("functions.metadata").AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["name"]!.ToString());
        var expected = Funnel.Standalone.Functions.AppFunction.In(Funnel.Standalone.StandaloneApp.FunctionApp).Select(f => f.Name);
        Assert.Equal(expected.Order(StringComparer.Ordinal), functions.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("DailyAggregation", functions.Keys);
        foreach (var function in functions.Values)
        {
            Assert.Equal("dotnet-isolated", function["language"]!.ToString());
            Assert.Contains(function["scriptFile"]!.ToString(), _package.Entries);
        }

        var ingest = functions[FunctionNames.Ingest]["bindings"]!.AsArray().Single(b => b!["type"]!.ToString() == "httpTrigger")!;
        Assert.Equal(FunctionNames.IngestRoute, ingest["route"]!.ToString());

        var queue = functions[FunctionNames.ProcessEvents]["bindings"]!.AsArray().Single(b => b!["type"]!.ToString() == "queueTrigger")!;
        Assert.Contains(queue["queueName"]!.ToString(), StorageNames.Queues);
        Assert.Equal(FunctionNames.StorageConnection, queue["connection"]!.ToString());
    }

    [Fact]
    public void Extensions_json_names_extensions_that_are_in_the_package()
    {
        Assert.Contains("extensions.json", _package.Entries);
        var extensions = _package.Json("extensions.json")["extensions"]!.AsArray();
        Assert.NotEmpty(extensions);
        foreach (var extension in extensions)
        {
            var hintPath = extension!["hintPath"]!.ToString();
            var path = hintPath.StartsWith("./", StringComparison.Ordinal) ? hintPath[2..] : hintPath;
            Assert.StartsWith(".azurefunctions/", path, StringComparison.Ordinal);
            Assert.Contains(path, _package.Entries);
            Assert.True(File.Exists(Path.Combine(_package.Root, path)), $"{hintPath} is not in the package");
        }
    }

    [Fact]
    public void Local_settings_stay_out_of_the_package()
    {
        Assert.DoesNotContain(_package.Entries, e => Path.GetFileName(e) == "local.settings.json");
    }

    [Fact]
    public void The_simulator_is_not_deployed()
    {
        Assert.DoesNotContain(_package.Entries, e => Path.GetFileName(e).StartsWith("Funnel.Simulation", StringComparison.Ordinal));
        // No assembly of the package defines a simulator type, whatever it is called: read from each one's metadata.
        var ours = Directory.GetFiles(_package.Root, "Funnel.*.dll");
        Assert.Contains(ours, p => Path.GetFileName(p) == "Funnel.Engine.dll");
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in ours)
        {
            using var stream = File.OpenRead(assembly);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            namespaces.UnionWith(metadata.TypeDefinitions.Select(t => metadata.GetString(metadata.GetTypeDefinition(t).Namespace)));
        }
        Assert.Contains("Funnel.Engine.Aggregation", namespaces);
        Assert.DoesNotContain(namespaces, n => n.StartsWith("Funnel.Simulation", StringComparison.Ordinal) || n.EndsWith(".Simulation", StringComparison.Ordinal));
    }
}
