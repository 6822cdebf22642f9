using System.Net;
using System.Text.Json;
using Funnel.Functions.Tests.FunctionApp;
using Funnel.Standalone;
using Funnel.Standalone.Functions;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Functions.Tests.Http;

/// <summary>
/// Function keys as the Functions host checks them: the level each HTTP function's metadata declares, the key in
/// <c>x-functions-key</c> or <c>?code=</c>, the master key over every level, a function key for its own function only.
/// </summary>
public class FunctionKeysTests
{
    private const string Master = "the-master-key";
    private const string HostKey = "a-host-key";
    private const string ImportKey = "a-key-of-StartImport-only";
    private const string Import = "StartImport";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["FunctionKeys:Master"] = Master,
        ["FunctionKeys:Host:default"] = HostKey,
        [$"FunctionKeys:Functions:{Import}:ops"] = ImportKey,
    };

    /// <summary>Each HTTP function with the level and route the Functions host reads from the generated metadata.</summary>
    private static List<(string Name, string Level, string Method, string Path)> HttpFunctions() =>
        [.. FunctionAppOutput.Json("functions.metadata").EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Binding: f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger")))
            .Where(f => f.Binding.ValueKind == JsonValueKind.Object)
            .Select(f => (f.Name, f.Binding.GetProperty("authLevel").GetString()!, f.Binding.GetProperty("methods")[0].GetString()!.ToUpperInvariant(),
                // Route values no function accepts, so each answers at once with its own refusal once past the key check.
                "/" + System.Text.RegularExpressions.Regex.Replace(f.Binding.GetProperty("route").GetString()!, "{[^}]+}", "not-a-value")))];

    private static async Task<(HttpStatusCode Status, string Body)> CallAsync(StandaloneHost host, string method, string path, string? header = null, string? code = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), code is null ? path : $"{path}?code={Uri.EscapeDataString(code)}");
        if (header is not null)
        {
            request.Headers.Add(FunctionKeys.Header, header);
        }
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent(string.Empty);
        }
        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The standalone host's own refusal names the key header; a function's refusal (a write or read key) does not.</summary>
    private static bool RefusedForKey((HttpStatusCode Status, string Body) answer) =>
        answer.Status == HttpStatusCode.Unauthorized && answer.Body.Contains($"\"field\":\"{FunctionKeys.Header}\"", StringComparison.Ordinal);

    [Fact]
    public async Task Each_function_asks_for_a_key_exactly_when_its_metadata_declares_a_level_above_anonymous()
    {
        await using var host = StandaloneHost.Start(Keys);
        var functions = HttpFunctions();
        Assert.Contains(functions, f => f.Level == nameof(AuthorizationLevel.Function));
        Assert.Contains(functions, f => f.Level == nameof(AuthorizationLevel.Anonymous));
        foreach (var (name, level, method, path) in functions)
        {
            var keyless = await CallAsync(host, method, path);
            Assert.True(RefusedForKey(keyless) == (level != nameof(AuthorizationLevel.Anonymous)), $"{name} ({level}) without a key: {(int)keyless.Status} {keyless.Body}");
        }
    }

    [Fact]
    public async Task The_master_key_and_a_host_key_open_every_keyed_function_by_header_or_code_and_an_unknown_key_none()
    {
        await using var host = StandaloneHost.Start(Keys);
        foreach (var (name, _, method, path) in HttpFunctions().Where(f => f.Level == nameof(AuthorizationLevel.Function)))
        {
            foreach (var key in new[] { Master, HostKey })
            {
                var byHeader = await CallAsync(host, method, path, header: key);
                // Past the key check the function answers for itself: here a 4xx for the route values it cannot take.
                Assert.True(!RefusedForKey(byHeader) && (int)byHeader.Status < 500, $"{name} with {key} as {FunctionKeys.Header}: {(int)byHeader.Status} {byHeader.Body}");
                var byCode = await CallAsync(host, method, path, code: key);
                Assert.False(RefusedForKey(byCode), $"{name} with {key} as ?code=: {(int)byCode.Status} {byCode.Body}");
            }
            var unknown = await CallAsync(host, method, path, header: "a-key-nobody-set");
            Assert.True(RefusedForKey(unknown), $"{name} with an unknown key: {(int)unknown.Status} {unknown.Body}");
            Assert.Contains("unknown function key", unknown.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_function_key_opens_its_own_function_only()
    {
        await using var host = StandaloneHost.Start(Keys);
        foreach (var (name, _, method, path) in HttpFunctions().Where(f => f.Level == nameof(AuthorizationLevel.Function)))
        {
            var answer = await CallAsync(host, method, path, header: ImportKey);
            Assert.True(RefusedForKey(answer) == (name != Import), $"{name} with StartImport's key: {(int)answer.Status} {answer.Body}");
        }
    }

    [Fact]
    public async Task The_header_wins_over_the_code_query_parameter()
    {
        await using var host = StandaloneHost.Start(Keys);
        var (_, _, method, path) = HttpFunctions().First(f => f.Level == nameof(AuthorizationLevel.Function));
        Assert.True(RefusedForKey(await CallAsync(host, method, path, header: "a-key-nobody-set", code: HostKey)));
        Assert.False(RefusedForKey(await CallAsync(host, method, path, header: HostKey, code: "a-key-nobody-set")));
    }

    [Fact]
    public async Task With_no_key_configured_every_keyed_call_is_refused_naming_the_setting()
    {
        await using var host = StandaloneHost.Start();
        var (name, _, method, path) = HttpFunctions().First(f => f.Level == nameof(AuthorizationLevel.Function));
        var answer = await CallAsync(host, method, path, header: HostKey);
        Assert.True(RefusedForKey(answer), $"{name}: {(int)answer.Status} {answer.Body}");
        Assert.Contains(FunctionKeys.DefaultHostKeySetting, answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_removed_Admin_Keys_setting_stops_the_host_naming_its_replacement()
    {
        var error = Assert.ThrowsAny<Exception>(() => StandaloneApp.Build([], builder => builder.Configuration["Admin:Keys:0"] = "an-old-key"));
        Assert.Contains(FunctionKeys.DefaultHostKeySetting, error.ToString(), StringComparison.Ordinal);
    }
}
