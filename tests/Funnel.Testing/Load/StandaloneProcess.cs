using System.Diagnostics;
using System.Text;

namespace Funnel.Testing.Load;

/// <summary>
/// The standalone host as its own process (the built Funnel.Standalone.dll on a free loopback port), so a
/// fault test can see whether it ever exits by itself, and kill it as a crash would.
/// </summary>
public sealed class StandaloneProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _settings;
    private readonly StringBuilder _log;
    private Process _process;
    private string _appPath = string.Empty;

    private StandaloneProcess(Process process, Uri address, Dictionary<string, string> settings, StringBuilder log)
    {
        _process = process;
        _log = log;
        Address = address;
        _settings = settings;
    }

    public Uri Address { get; }

    /// <summary>True when the process ended without being told to (a kill by the test is not counted).</summary>
    public bool ExitedOnItsOwn { get; private set; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts the host with these app settings (<c>Section__Name</c> environment variables) and waits until it answers.</summary>
    /// <paramref name="appPath"/> runs another build's <c>Funnel.Standalone.dll</c> (e.g. to time it on the same data); default: this repository's.
    public static async Task<StandaloneProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string? appPath = null)
    {
        var address = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
        var copy = settings.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var log = new StringBuilder();
        var host = new StandaloneProcess(Launch(address, copy, log, appPath ?? AppPath()), address, copy, log);
        host._appPath = appPath ?? AppPath();
        host.Watch();
        await host.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    /// <summary>Kills the process (no graceful stop) and starts it again on the same port.</summary>
    public async Task KillAndRestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _process = Launch(Address, _settings, _log, _appPath);
        Watch();
        await WaitUntilAnsweringAsync(TimeSpan.FromSeconds(60));
    }

    public async Task KillAsync()
    {
        _process.Exited -= OnExited;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public bool IsRunning => !_process.HasExited;

    private void Watch()
    {
        _process.EnableRaisingEvents = true;
        _process.Exited += OnExited;
        if (_process.HasExited)
        {
            ExitedOnItsOwn = true;
        }
    }

    private void OnExited(object? sender, EventArgs e) => ExitedOnItsOwn = true;

    private static string AppPath()
    {
        var bin = RepoPaths.Of("functions", "src", "Funnel.Standalone", "bin");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        var candidates = new[] { configuration, "Debug", "Release" }
            .Select(c => Path.Combine(bin, c, "net10.0", "Funnel.Standalone.dll"))
            .Where(File.Exists)
            .ToList();
        return candidates.Count > 0 ? candidates[0] : throw new InvalidOperationException($"Funnel.Standalone.dll is not built under {bin}; build the solution first");
    }

    private static Process Launch(Uri address, Dictionary<string, string> settings, StringBuilder log, string appPath)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(appPath)!,
        };
        start.ArgumentList.Add(appPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the standalone host");
        DataReceivedEventHandler append = (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            lock (log)
            {
                if (log.Length < 4_000_000)
                {
                    log.AppendLine(line.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the standalone host exited with {_process.ExitCode} while starting:\n{Log}");
            }
            try
            {
                if ((await http.GetAsync(new Uri("/", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the standalone host did not answer within {timeout}:\n{Log}");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
