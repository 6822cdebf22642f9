using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests.Browser;

/// <summary>
/// Segment's browser library (@segment/analytics-next, from tools/node) in headless Chromium, on a page
/// served from another loopback origin, configured with local settings so it never asks the vendor for
/// them, posts to the app: cross-origin, text/plain, the short routes (/v1/p, /v1/i, /v1/t). Every event
/// the library reports delivered is in raw storage exactly once.
/// </summary>
[Collection(PipelineOnAzurite.Name)]
public sealed class BrowserLibraryTests(PipelineFixture pipeline)
{
    private const int Tracks = 40;

    [Fact]
    public async Task Every_event_sent_by_analytics_next_in_Chromium_is_in_raw_storage_exactly_once()
    {
        var run = "browser" + Guid.NewGuid().ToString("N")[..8];
        var (site, siteAddress) = await LoopbackHost.StartAsync(url => PageSite(url, run));
        try
        {
            await using var browser = await HeadlessChromium.StartAsync();
            await browser.OpenAsync(new Uri(siteAddress, "/"), 1280);
            var result = await WaitForResultAsync(browser);
            Assert.True(result["error"] is null, $"the page failed: {result["error"]}");
            var ids = result["ids"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
            Assert.Equal(Tracks + 2, ids.Distinct(StringComparer.Ordinal).Count());
            Assert.Empty(result["failed"]!.AsArray());
            var resources = result["resources"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.All(resources, url => Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal));
            Assert.Contains(resources, url => url.StartsWith(pipeline.BaseAddress.ToString().TrimEnd('/') + "/v1/t", StringComparison.Ordinal));

            var raw = await pipeline.SettledRawEventsAsync("ajs-", ids.Count);
            var stored = raw.Where(r => ids.Contains(r.Event.GetProperty("messageId").GetString()!)).ToList();
            Assert.Equal(ids.Order(StringComparer.Ordinal), stored.Select(r => r.Event.GetProperty("messageId").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(Tracks, stored.Count(r => r.Event.GetProperty("type").GetString() == "track"
                && r.Event.GetProperty("properties").GetProperty("run").GetString() == run));
            Assert.All(stored, r => Assert.Equal("analytics.js", r.Event.GetProperty("context").GetProperty("library").GetProperty("name").GetString()));
        }
        finally
        {
            await site.StopAsync();
            await site.DisposeAsync();
        }
    }

    private static async Task<JsonNode> WaitForResultAsync(HeadlessChromium browser)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await browser.EvaluateAsync("window.__result ? JSON.stringify(window.__result) : null") is JsonValue value)
            {
                return JsonNode.Parse(value.GetValue<string>())!;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the page did not finish sending within 60 s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>A page on its own origin that loads the library's UMD bundle (and any chunk it asks for) from tools/node.</summary>
    private WebApplication PageSite(Uri url, string run)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", url.ToString()]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var site = builder.Build();
        var bundle = RepoPaths.Of("tools", "node", "node_modules", "@segment", "analytics-next", "dist", "umd");
        var apiHost = $"{pipeline.BaseAddress.Host}:{pipeline.BaseAddress.Port}/v1";
        site.MapGet("/", () => Results.Content(Page(PipelineFixture.WriteKey, apiHost, run), "text/html; charset=utf-8"));
        site.MapGet("/{file}", (string file) =>
        {
            var path = Path.Combine(bundle, Path.GetFileName(file));
            return file.EndsWith(".js", StringComparison.Ordinal) && File.Exists(path) ? Results.File(path, "text/javascript") : Results.NotFound();
        });
        return site;
    }

    private static string Page(string writeKey, string apiHost, string run)
    {
        var settings = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["integrations"] = new Dictionary<string, object> { ["Segment.io"] = new { apiKey = writeKey, apiHost, protocol = "http" } },
            ["plan"] = new { },
            ["metrics"] = new { sampleRate = 0 },
        });
        return $$"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>shop</title><script src="/index.js"></script></head>
            <body><script>
            window.__result = null;
            (async () => {
              try {
                const [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
                  { writeKey: {{JsonSerializer.Serialize(writeKey)}}, cdnURL: location.origin, cdnSettings: {{settings}} });
                const run = {{JsonSerializer.Serialize(run)}};
                const calls = [analytics.page('Home', { run }), analytics.identify(run + '-user', { plan: 'pro' })];
                for (let i = 0; i < {{Tracks}}; i++) calls.push(analytics.track('Product Viewed', { run, i, price: i + 0.5 }));
                const contexts = await Promise.all(calls);
                window.__result = {
                  ids: contexts.map(c => c.event.messageId),
                  failed: contexts.filter(c => c.failedDelivery()).map(c => String(c.failedDelivery().reason)),
                  resources: performance.getEntriesByType('resource').map(r => r.name),
                };
              } catch (e) {
                window.__result = { error: String((e && e.stack) || e) };
              }
            })();
            </script></body></html>
            """;
    }
}
