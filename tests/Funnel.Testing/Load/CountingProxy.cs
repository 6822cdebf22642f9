using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Funnel.Testing.Load;

/// <summary>
/// A loopback TCP relay in front of one storage port that counts the HTTP requests passing through it (request lines
/// at the start of a line, as HTTP/1.1 sends them over kept-alive connections), so a harness can say how many storage
/// calls a piece of work made. Bodies are relayed untouched; a body that happens to hold a request line would count.
/// </summary>
public sealed class CountingProxy : IAsyncDisposable
{
    private static readonly string[] Methods = ["GET ", "PUT ", "POST ", "DELETE ", "HEAD ", "PATCH ", "MERGE ", "OPTIONS "];
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _requests;

    public CountingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Requests relayed so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var up = PumpAsync(client.GetStream(), server.GetStream(), count: true);
                var down = PumpAsync(server.GetStream(), client.GetStream(), count: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool count)
    {
        var buffer = new byte[64 * 1024];
        var atLineStart = true;
        try
        {
            while (await from.ReadAsync(buffer, _stop.Token) is var read and > 0)
            {
                if (count)
                {
                    for (var i = 0; i < read; i++)
                    {
                        if (atLineStart && StartsRequest(buffer, i, read))
                        {
                            Interlocked.Increment(ref _requests);
                        }
                        atLineStart = buffer[i] == (byte)'\n';
                    }
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        to.Socket.Shutdown(SocketShutdown.Send);
    }

    private static bool StartsRequest(byte[] buffer, int at, int length)
    {
        foreach (var method in Methods)
        {
            if (at + method.Length + 1 <= length && Encoding.ASCII.GetString(buffer, at, method.Length) == method && buffer[at + method.Length] == (byte)'/')
            {
                return true;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
