using Funnel.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Functions.Tests.Http;

public class PublicLinksTests
{
    private static HttpRequest Request(string host, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        return context.Request;
    }

    [Theory]
    [InlineData("evil.example", "https://funnel.example.com/gateway/", "myapp.azurewebsites.net", "https://funnel.example.com/gateway/ops/aggregations/2026-11-01")]
    [InlineData("evil.example", "not a url", "myapp.azurewebsites.net", "https://myapp.azurewebsites.net/ops/aggregations/2026-11-01")]
    [InlineData("evil.example", "javascript:alert(1)", null, "/ops/aggregations/2026-11-01")]
    [InlineData("evil.example", null, null, "/ops/aggregations/2026-11-01")]
    [InlineData("127.0.0.1:7071", null, null, "http://127.0.0.1:7071/ops/aggregations/2026-11-01")]
    public void A_link_comes_from_the_configured_base_then_the_app_host_then_loopback_never_a_callers_host(string host, string? baseUrl, string? appHost, string expected)
    {
        var request = Request(host, new() { [PublicLinks.BaseUrlSetting] = baseUrl, ["WEBSITE_HOSTNAME"] = appHost });
        Assert.Equal(expected, PublicLinks.To(request, "ops/aggregations/2026-11-01"));
    }
}
