using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Funnel.Infra.Tests;

/// <summary>scripts/publish.sh builds a zip the Functions host can run: host.json at the root, the function folders, and the handler executable it names.</summary>
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
            var zip = Path.Combine(Folder, "funnel-handler.zip");
            var (exitCode, output) = ProcessRunner.RunAsync("bash", [RepoPaths.Of("scripts", "publish.sh"), zip]).GetAwaiter().GetResult();
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"publish.sh failed: {output}");
            }
            Entries = ZipFile.OpenRead(zip).Entries.Select(e => e.FullName).ToList();
            Root = Path.Combine(Folder, "app");
            ZipFile.ExtractToDirectory(zip, Root);
        }

        public string Folder { get; }
        public string Root { get; }
        public List<string> Entries { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    [Fact]
    public void Host_json_is_at_the_root_of_the_zip_and_each_function_folder_has_its_function_json()
    {
        Assert.Contains("host.json", _package.Entries);
        var functions = Directory.GetDirectories(RepoPaths.Of("functions")).Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(functions);
        foreach (var function in functions)
        {
            Assert.Contains($"{function}/function.json", _package.Entries);
            Assert.Equal(File.ReadAllText(RepoPaths.Of("functions", function!, "function.json")), File.ReadAllText(Path.Combine(_package.Root, function!, "function.json")));
        }
        Assert.DoesNotContain(_package.Entries, e => e.StartsWith("src/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_executable_host_json_names_is_present_and_answers_on_the_port_the_host_gives_it()
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(_package.Root, "host.json")))!["customHandler"]!["description"]!;
        var executable = Path.Combine(_package.Root, description["defaultExecutablePath"]!.ToString());
        Assert.True(File.Exists(executable), $"{executable} is missing");
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "the handler is not executable");

        var port = AzuriteProcess.FreePort();
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Path.Combine(_package.Root, description["workingDirectory"]!.ToString()),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                    Assert.True(response.IsSuccessStatusCode);
                    return;
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(200);
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
