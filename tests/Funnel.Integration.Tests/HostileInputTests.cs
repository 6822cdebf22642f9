using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Funnel.Integration.Tests.Aggregation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Funnel.Integration.Tests;

/// <summary>
/// Hostile dates and bodies against every API of the standalone host on Azurite (ingest, ops, metrics, reports, erasure):
/// never a 500, and every refusal names the field; and with Azurite frozen (SIGSTOP), every read API answers 503 with
/// <c>Retry-After</c> within the storage timeout plus a second.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(3);
    private AzuriteStorage _azurite = null!;
    private WebApplication _app = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteStorage.StartAsync();
        (_app, _address) = await AggregationFixture.StartHostAsync(_azurite.ConnectionString,
            new Dictionary<string, string> { ["Ingest__StorageTimeout"] = StorageTimeout.ToString() }, LogLevel.Critical);
    }

    public async Task DisposeAsync()
    {
        _azurite.Azurite.Thaw();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>One hostile call: what to send, the field a refusal must name, and whether the call may also be taken (2xx).</summary>
    private sealed record Hostile(string Name, HttpMethod Method, string Path, string? Body, string Field, bool MayBeTaken = false);

    private const string Good = """{"type":"track","event":"A","userId":"hostile-u1"}""";

    private static IEnumerable<Hostile> Corpus()
    {
        string[] instants =
        [
            "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "-000001-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9999999-14:00", "0001-01-01T00:00:00+14:00", "2026-12-07T24:00:00Z", "2026-12-07T23:59:60Z",
            "2026-12-07T10:00:00+25:00", "2026-02-29T10:00:00Z", "2026-12-07T10:00:00.12345678901234567890Z", "99999999999999999999", "",
            "2026-12-07", "T10:00:00Z", "2026-W49-1T10:00:00Z", "\u0661\u0669\u0667\u0660-01-01T00:00:00Z",
        ];
        foreach (var instant in instants)
        {
            var text = JsonSerializer.Serialize(instant);
            yield return new($"event timestamp {instant}", HttpMethod.Post, "/v1/batch", $$"""{"batch":[{{Good}},{"type":"track","event":"A","userId":"hostile-u2","timestamp":{{text}}}]}""", "timestamp");
            yield return new($"event sentAt {instant}", HttpMethod.Post, "/v1/batch", $$"""{"batch":[{{Good}},{"type":"track","event":"A","userId":"hostile-u2","sentAt":{{text}}}]}""", "sentAt");
            yield return new($"batch sentAt {instant}", HttpMethod.Post, "/v1/batch", $$"""{"sentAt":{{text}},"batch":[{{Good}}]}""", "sentAt");
            yield return new($"originalTimestamp {instant}", HttpMethod.Post, "/v1/track", $$"""{"event":"A","userId":"hostile-u2","originalTimestamp":{{text}}}""", "originalTimestamp", MayBeTaken: true);
        }
        yield return new("timestamp at the end of time, sentAt at its start", HttpMethod.Post, "/v1/batch",
            $$"""{"batch":[{{Good}},{"type":"track","event":"A","userId":"hostile-u2","timestamp":"9999-12-31T23:59:59Z","sentAt":"0001-01-01T00:00:00Z"}]}""", "sentAt");
        yield return new("timestamp at the start of time, sentAt at its end", HttpMethod.Post, "/v1/batch",
            $$"""{"batch":[{{Good}},{"type":"track","event":"A","userId":"hostile-u2","timestamp":"0001-01-01T00:00:00Z","sentAt":"9999-12-31T23:59:59Z"}]}""", "sentAt");
        yield return new("timestamp at the end of time, sentAt from a clock reset to 1970", HttpMethod.Post, "/v1/batch",
            $$"""{"batch":[{{Good}},{"type":"track","event":"A","userId":"hostile-u2","timestamp":"9999-12-31T23:59:59Z","sentAt":"1970-01-01T00:00:00Z"}]}""", "timestamp");

        string[] days = ["0001-01-01", "9999-12-31", "0000-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "-2026-01-01", "2026-1-1", "20261207", "%00", "latest", "2026-12-07T00:00:00Z"];
        foreach (var day in days)
        {
            var escaped = Uri.EscapeDataString(day);
            // A day that parses is refused for the range it makes (to before from, or too long), which names 'to'.
            var parses = day is "0001-01-01" or "9999-12-31";
            yield return new($"backfill from {day}", HttpMethod.Post, $"/ops/aggregations?from={escaped}&to=2026-01-01", null, parses ? "to" : "from");
            yield return new($"backfill to {day}", HttpMethod.Post, $"/ops/aggregations?from=2026-01-01&to={escaped}", null, "to");
            yield return new($"run day {day}", HttpMethod.Post, $"/ops/aggregations/{escaped}", null, "day", MayBeTaken: true);
            yield return new($"status of day {day}", HttpMethod.Get, $"/ops/aggregations/{escaped}", null, "day", MayBeTaken: day == "0001-01-01"); // run just above
            yield return new($"import from {day}", HttpMethod.Post, $"/ops/imports?from={escaped}", null, "from");
            yield return new($"metrics from {day}", HttpMethod.Get, $"/metrics/activity.dau?from={escaped}&to=2026-12-01", null, day == "9999-12-31" ? "to" : "from", MayBeTaken: true);
            yield return new($"metrics to {day}", HttpMethod.Get, $"/metrics/activity.dau?from=2026-11-01&to={escaped}", null, day is "9999-12-31" ? "from" : "to", MayBeTaken: true);
            yield return new($"report of {day}", HttpMethod.Get, $"/reports/{escaped}/report.json", null, "day", MayBeTaken: day == "latest");
            yield return new($"audience of {day}", HttpMethod.Get, $"/reports/{escaped}/audiences/win-back.csv", null, "day");
        }
        yield return new("metrics over the whole calendar", HttpMethod.Get, "/metrics/activity.dau?from=0001-01-01&to=9999-12-31", null, "from");
        yield return new("metrics backwards", HttpMethod.Get, "/metrics/activity.dau?from=9999-12-31&to=0001-01-01", null, "to");
        yield return new("backfill over the whole calendar", HttpMethod.Post, "/ops/aggregations?from=0001-01-01&to=9999-12-31", null, "to");
        yield return new("erasure naming a date as id", HttpMethod.Post, "/ops/privacy/erasures", """{"userId":"9999-12-31T23:59:59Z"}""", "userId", MayBeTaken: true);
        yield return new("erasure with a date for an id", HttpMethod.Post, "/ops/privacy/erasures", """{"userId":{"$date":"9999-12-31"}}""", "userId");
        yield return new("erasure with a huge number", HttpMethod.Post, "/ops/privacy/erasures", """{"anonymousId":1e400}""", "anonymousId");
        yield return new("erasure repeating its id", HttpMethod.Post, "/ops/privacy/erasures", """{"userId":"a","userId":"b"}""", "body");
        yield return new("erasure status of a date", HttpMethod.Get, "/ops/privacy/erasures/9999-12-31", null, "id");
        yield return new("definitions as an array", HttpMethod.Put, "/ops/definitions", "[]", "(document)");
        yield return new("definitions with a date for funnels", HttpMethod.Put, "/ops/definitions", """{"funnels":"9999-12-31","signupEvent":"S","experimentEvent":"E"}""", "funnels");
        yield return new("definitions with a huge window", HttpMethod.Put, "/ops/definitions", """{"funnels":[{"name":"f","steps":[{"event":"A"},{"event":"B","windowDays":1e400}]}],"signupEvent":"S","experimentEvent":"E"}""", "funnels[0].steps[1].windowDays");
        yield return new("spend on a day no calendar has", HttpMethod.Put, "/ops/spend", "day,channel,amount,currency\n+275760-09-13,wechat,1,CNY\n", "row 2: day");
        yield return new("spend with a huge amount", HttpMethod.Put, "/ops/spend", "day,channel,amount,currency\n2026-11-01,wechat,1e400,CNY\n", "row 2: amount");
    }

    private static HttpRequestMessage Request(Hostile call)
    {
        var request = new HttpRequestMessage(call.Method, call.Path);
        if (call.Path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(AggregationFixture.WriteKey + ":")));
        }
        else if (call.Path.StartsWith("/ops/", StringComparison.Ordinal))
        {
            request.Headers.Add("x-functions-key", AggregationFixture.AdminKey);
        }
        else
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AggregationFixture.ReadKey);
        }
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        }
        return request;
    }

    [Fact]
    public async Task Hostile_dates_and_bodies_never_get_a_500_and_every_refusal_names_its_field()
    {
        using var client = new HttpClient { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(60) };
        var problems = new List<string>();
        var corpus = Corpus().ToList();
        Assert.True(corpus.Count > 150, $"the corpus has {corpus.Count} calls");
        foreach (var call in corpus)
        {
            using var request = Request(call);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                problems.Add($"{call.Name}: {status} {body}");
                continue;
            }
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException) when (status < 300 && !body.TrimStart().StartsWith('{'))
            {
                continue; // a report file served as it is
            }
            var errors = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errors", out var list) ? list.EnumerateArray().ToList() : [];
            var named = errors.Any(e => e.GetProperty("field").GetString() == call.Field && e.GetProperty("reason").GetString()!.Length > 5);
            if (status >= 400 ? !named : !(call.MayBeTaken || named))
            {
                problems.Add($"{call.Name}: {status}, expected a refusal naming '{call.Field}': {body}");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task With_Azurite_frozen_every_read_API_answers_503_with_Retry_After_within_the_storage_timeout()
    {
        using var client = new HttpClient { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(60) };
        (HttpMethod Method, string Path, string? Body)[] reads =
        [
            (HttpMethod.Get, "/reports", null),
            (HttpMethod.Get, "/reports/latest/report.json", null),
            (HttpMethod.Get, "/reports/2026-11-01/report.html", null),
            (HttpMethod.Get, "/reports/2026-11-01/audiences/win-back.csv", null),
            (HttpMethod.Get, "/metrics/activity.dau", null),
            (HttpMethod.Get, "/metrics/money.revenue?from=2026-10-01&to=2026-11-30", null),
            (HttpMethod.Get, "/ops/aggregations/2026-11-01", null),
            (HttpMethod.Post, "/ops/privacy/erasures", """{"userId":"frozen"}"""),
            (HttpMethod.Get, "/ops/privacy/erasures/0123456789abcdef0123456789abcdef", null),
            (HttpMethod.Get, "/ops/definitions", null),
            (HttpMethod.Put, "/ops/spend", "day,channel,amount,currency\n2026-11-01,wechat,1,CNY\n"),
        ];
        // Warm every path once while storage answers, so the frozen round measures the deadline, not a first call.
        foreach (var (method, path, body) in reads.Where(r => r.Method == HttpMethod.Get))
        {
            using var warm = await client.SendAsync(Request(new Hostile(path, method, path, body, "")));
            Assert.True((int)warm.StatusCode < 500, $"{path} before the freeze: {(int)warm.StatusCode}");
        }

        _azurite.Azurite.Freeze();
        var problems = new List<string>();
        foreach (var (method, path, body) in reads)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.SendAsync(Request(new Hostile(path, method, path, body, "")));
            var elapsed = watch.Elapsed;
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter?.Delta is null
                || JsonDocument.Parse(text).RootElement.GetProperty("errors")[0].GetProperty("field").GetString() != "storage")
            {
                problems.Add($"{method} {path}: {(int)response.StatusCode} {text}");
            }
            else if (elapsed > StorageTimeout + TimeSpan.FromSeconds(1))
            {
                problems.Add($"{method} {path}: the 503 took {elapsed.TotalSeconds:F1} s");
            }
        }
        _azurite.Azurite.Thaw();
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
