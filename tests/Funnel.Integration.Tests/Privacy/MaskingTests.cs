using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Funnel.Integration.Tests.Aggregation;
using Funnel.Standalone;
using Funnel.Storage;
using Funnel.Storage.Raw;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests.Privacy;

/// <summary>Events with e-mail, phone, name and IP sent by @segment/analytics-node reach raw storage masked only.</summary>
public class MaskingTests
{
    private const string Email = "Li.Lei@example.com";
    private const string Phone = "+86 138 0013 8000";

    [Fact]
    public async Task Raw_blobs_hold_only_masked_forms_and_the_hash_is_stable_across_restarts_and_differs_with_another_secret()
    {
        await using var azurite = await AzuriteStorage.StartAsync();
        var secret = TestSecrets.NewHashSecret();
        var other = TestSecrets.NewHashSecret();

        var first = await SendThroughNodeClientAsync(azurite, secret);
        var afterRestart = await SendThroughNodeClientAsync(azurite, secret);
        var anotherSecret = await SendThroughNodeClientAsync(azurite, other);

        foreach (var (raw, _) in new[] { first, afterRestart, anotherSecret })
        {
            foreach (var clear in new[] { "example.com", "0013", "13800138000", "Li Lei", "203.0.113.77", "370:7348" })
            {
                Assert.DoesNotContain(clear, raw, StringComparison.Ordinal);
            }
        }
        var (_, events) = first;
        var identify = events.Single(e => e.GetProperty("type").GetString() == "identify");
        var track = events.Single(e => e.GetProperty("type").GetString() == "track");
        Assert.Equal(Hmac(secret, Email), identify.GetProperty("traits").GetProperty("email").GetString());
        Assert.Equal(Hmac(secret, Phone), identify.GetProperty("traits").GetProperty("phone").GetString());
        Assert.Equal(Hmac(secret, "Li Lei"), identify.GetProperty("traits").GetProperty("name").GetString());
        Assert.Equal("pro", identify.GetProperty("traits").GetProperty("plan").GetString());
        Assert.Equal("203.0.113.0", identify.GetProperty("context").GetProperty("ip").GetString());
        Assert.Equal("2001:db8:85a3::", track.GetProperty("context").GetProperty("ip").GetString());
        Assert.Equal(Hmac(secret, "13800138000"), track.GetProperty("properties").GetProperty("phone").GetString());
        Assert.Equal(99, track.GetProperty("properties").GetProperty("revenue").GetInt32());

        string EmailHash((string Raw, List<JsonElement> Events) run) =>
            run.Events.Single(e => e.GetProperty("type").GetString() == "identify").GetProperty("traits").GetProperty("email").GetString()!;
        Assert.Equal(EmailHash(first), EmailHash(afterRestart));
        Assert.NotEqual(EmailHash(first), EmailHash(anotherSecret));
        Assert.Equal(Hmac(other, Email), EmailHash(anotherSecret));
    }

    private static string Hmac(string secret, string value) =>
        "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(value)));

    /// <summary>Starts the host with the secret, sends two calls with the real Node client, stops the host; returns the raw text and events of that run.</summary>
    private static async Task<(string Raw, List<JsonElement> Events)> SendThroughNodeClientAsync(AzuriteStorage azurite, string secret)
    {
        var runId = "mask" + Guid.NewGuid().ToString("N")[..8];
        var (app, address) = await LoopbackHost.StartAsync(url => StandaloneApp.Build(["--urls", url.ToString()], builder =>
        {
            foreach (var (key, value) in AggregationFixture.Settings(azurite.ConnectionString))
            {
                builder.Configuration[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
            builder.Configuration["Privacy:HashSecret"] = secret;
            builder.Configuration["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100";
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }));
        try
        {
            var calls = Path.Combine(Directory.CreateTempSubdirectory("masking-").FullName, "calls.ndjson");
            await File.WriteAllLinesAsync(calls,
            [
                JsonSerializer.Serialize(new { type = "identify", userId = "u-masked", traits = new { email = Email, phone = Phone, name = "Li Lei", plan = "pro" }, context = new { ip = "203.0.113.77" } }),
                JsonSerializer.Serialize(new { type = "track", userId = "u-masked", @event = "Order Completed", properties = new { phone = "13800138000", revenue = 99 }, context = new { ip = "2001:db8:85a3:8d3:1319:8a2e:370:7348" } }),
            ]);
            var (exitCode, output) = await ProcessRunner.RunAsync("node", [RepoPaths.Of("tools", "node", "send-events.mjs"),
                "--host", address.ToString().TrimEnd('/'), "--write-key", AggregationFixture.WriteKey, "--in", calls, "--run-id", runId, "--flush-at", "2"], timeout: TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, $"send-events.mjs failed: {output}");

            var raw = new BlobRawEventStore(azurite.Storage.Blobs);
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (true)
            {
                var lines = new List<string>();
                await foreach (var name in raw.ListAsync(null, CancellationToken.None))
                {
                    lines.AddRange((await raw.ReadLinesAsync(name, CancellationToken.None)).Where(l => l.Contains($"\"{runId}-", StringComparison.Ordinal)));
                }
                if (lines.Count >= 2 || DateTime.UtcNow > deadline)
                {
                    Assert.Equal(2, lines.Count);
                    return (string.Join('\n', lines), lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList());
                }
                await Task.Delay(200);
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
