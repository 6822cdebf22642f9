using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Functions.Http;

/// <summary>
/// The links the APIs hand out (<c>statusUrl</c>, report files). A client-sent <c>Host</c> header never becomes a link:
/// the configured <c>PublicBaseUrl</c> (a custom domain or a gateway in front of the app) comes first; else in Azure the
/// app's own host name (<c>WEBSITE_HOSTNAME</c>, set by the platform); in local runs a loopback host the request came to;
/// otherwise the link is a path, relative to whatever address the caller used.
/// </summary>
public static class PublicLinks
{
    /// <summary>The app setting naming the address callers reach the app at, e.g. <c>https://funnel.example.com</c>.</summary>
    public const string BaseUrlSetting = "PublicBaseUrl";

    public static string To(HttpRequest request, string path)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(path);
        var relative = "/" + path.TrimStart('/');
        var configuration = request.HttpContext.RequestServices?.GetService<IConfiguration>();
        if (configuration?[BaseUrlSetting] is { Length: > 0 } configured
            && Uri.TryCreate(configured, UriKind.Absolute, out var baseUrl) && baseUrl.Scheme is "https" or "http")
        {
            return baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + relative;
        }
        if (configuration?["WEBSITE_HOSTNAME"] is { Length: > 0 } appHost)
        {
            return $"https://{appHost}{relative}";
        }
        return IsLoopback(request.Host.Host) ? $"{request.Scheme}://{request.Host}{relative}" : relative;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
