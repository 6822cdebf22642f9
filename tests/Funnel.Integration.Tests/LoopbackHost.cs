using Microsoft.AspNetCore.Builder;

namespace Funnel.Integration.Tests;

/// <summary>
/// Starts the standalone host on a free loopback port. A port found free can be taken by another fixture's
/// Azurite or sidecar before Kestrel binds it, so a bind failure means: build again on another port.
/// </summary>
internal static class LoopbackHost
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Func<Uri, WebApplication> build)
    {
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{AzuriteProcess.FreePort()}");
            var app = build(address);
            try
            {
                await app.StartAsync();
                return (app, address);
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
            {
                await app.DisposeAsync();
            }
        }
    }
}
