using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Funnel.Storage.Configuration;

namespace Funnel.Testing;

/// <summary>A real Azurite (from tools/node, installed by the test command) on free loopback ports, in memory, stopped on dispose.</summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AzuriteProcess(Process process, int blob, int queue, int table)
    {
        _process = process;
        ConnectionString = AzuriteAccount.ConnectionString(blob, queue, table);
    }

    public string ConnectionString { get; }

    public static async Task<AzuriteProcess> StartAsync()
    {
        var azurite = RepoPaths.Of("tools", "node", "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException($"Azurite is not installed at {azurite}; run scripts/test.sh, which runs 'npm ci' in tools/node");
        }
        int blob = FreePort(), queue = FreePort(), table = FreePort();
        var workDir = Directory.CreateTempSubdirectory("azurite-").FullName;
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--inMemoryPersistence", "--skipApiVersionCheck", "--silent",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}" })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Azurite");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var started = new AzuriteProcess(process, blob, queue, table);
        foreach (var port in new[] { blob, queue, table })
        {
            await WaitForPortAsync(port, process);
        }
        return started;
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
