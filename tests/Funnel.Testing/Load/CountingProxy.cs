using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Funnel.Testing.Load;

/// <summary>
/// A loopback TCP relay in front of one storage port that counts the HTTP/1.1 requests passing through it (framed by
/// their <c>Content-Length</c>, over kept-alive connections), so a harness can say how many storage calls a piece of
/// work made; an entity-group transaction is one call. Bytes are relayed untouched.
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
        var requests = new RequestCounter();
        try
        {
            while (await from.ReadAsync(buffer, _stop.Token) is var read and > 0)
            {
                if (count)
                {
                    Interlocked.Add(ref _requests, requests.Feed(buffer.AsSpan(0, read)));
                }
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        to.Socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>
    /// Reads one connection's request stream as HTTP/1.1 frames it: a request line and headers up to an empty line, then
    /// <c>Content-Length</c> bytes of body, skipped unread (so a batch's inner requests are not counted).
    /// </summary>
    private sealed class RequestCounter
    {
        private readonly StringBuilder _line = new();
        private long _bodyLeft;
        private long _contentLength;
        private bool _inHeaders;

        public int Feed(ReadOnlySpan<byte> bytes)
        {
            var requests = 0;
            var i = 0;
            while (i < bytes.Length)
            {
                if (_bodyLeft > 0)
                {
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    _bodyLeft -= skip;
                    i += skip;
                    continue;
                }
                var b = bytes[i++];
                if (b != (byte)'\n')
                {
                    _line.Append((char)b);
                    continue;
                }
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                if (!_inHeaders)
                {
                    if (Methods.Any(m => line.StartsWith(m, StringComparison.Ordinal)))
                    {
                        requests++;
                        _inHeaders = true;
                        _contentLength = 0;
                    }
                }
                else if (line.Length == 0)
                {
                    _inHeaders = false;
                    _bodyLeft = _contentLength;
                }
                else if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
                    && long.TryParse(line.AsSpan("Content-Length:".Length).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
                {
                    _contentLength = length;
                }
            }
            return requests;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
