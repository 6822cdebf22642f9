using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Funnel.Storage.Configuration;

namespace Funnel.Testing;

/// <summary>
/// A real Azurite (from tools/node, installed by the test command) on free loopback ports, in memory or on
/// disk, stopped on dispose. Fault tests kill it, freeze it, and start it again on the same ports.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private readonly int _blob, _queue, _table;
    private readonly string? _location;
    private Process _process;

    private AzuriteProcess(Process process, int blob, int queue, int table, string? location)
    {
        _process = process;
        (_blob, _queue, _table, _location) = (blob, queue, table, location);
        ConnectionString = AzuriteAccount.ConnectionString(blob, queue, table);
    }

    public string ConnectionString { get; }

    /// <summary>Where an on-disk Azurite keeps its data; null in memory.</summary>
    public string? Location => _location;

    /// <summary>How long an on-disk Azurite may hold changes in memory before saving them (its database's autosave interval): what a kill can lose.</summary>
    public static TimeSpan AutosaveWindow { get; } = TimeSpan.FromSeconds(5);

    public int ProcessId => _process.Id;

    /// <summary>The blob, queue and table ports, in that order.</summary>
    public (int Blob, int Queue, int Table) Ports => (_blob, _queue, _table);

    /// <summary>Starts Azurite in memory, or on disk under <paramref name="location"/>.</summary>
    public static async Task<AzuriteProcess> StartAsync(string? location = null)
    {
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var process = await LaunchAsync(blob, queue, table, location);
        return new AzuriteProcess(process, blob, queue, table, location);
    }

    /// <summary>Kills the emulator at once (no save), as a crash would.</summary>
    public async Task KillAsync()
    {
        Thaw();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts it again on the same ports (and the same folder when on disk).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _process = await LaunchAsync(_blob, _queue, _table, _location);
    }

    /// <summary>Stops the process without closing its sockets (SIGSTOP): connections open, nothing answers.</summary>
    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    private static async Task<Process> LaunchAsync(int blob, int queue, int table, string? location)
    {
        var azurite = RepoPaths.Of("tools", "node", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}; run scripts/test.sh, which runs 'npm ci' in tools/node");
        }
        var workDir = location ?? Directory.CreateTempSubdirectory("azurite-").FullName;
        Directory.CreateDirectory(workDir);
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = location is null ? ["--inMemoryPersistence"] : ["--location", location];
        foreach (var arg in persistence.Concat(["--skipApiVersionCheck", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}"]))
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        foreach (var port in new[] { blob, queue, table })
        {
            await WaitForPortAsync(port, process);
        }
        return process;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Azurite holds nothing worth a graceful stop, and on SIGTERM it waits for idle keep-alive connections.
        Thaw();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
