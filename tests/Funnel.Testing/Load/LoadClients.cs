using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Funnel.Testing.Load;

/// <summary>What the simulated clients do: how many, for how long, at most how many batches each, how big.</summary>
public sealed record LoadSettings(Uri Target, string WriteKey, string RunId, int Clients, TimeSpan Duration, int MaxBatchesPerClient, int EventsPerBatch);

/// <summary>What the clients saw: every event answered 200 with when, the status of every answer, every request's latency.</summary>
public sealed class LoadResult
{
    public ConcurrentDictionary<string, DateTimeOffset> Accepted { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, int> Answers { get; } = new(StringComparer.Ordinal);
    public ConcurrentBag<double> LatenciesMs { get; } = [];
    public DateTimeOffset Started { get; set; }
    public DateTimeOffset Ended { get; set; }

    public double Percentile(double p)
    {
        var sorted = LatenciesMs.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public int Requests => Answers.Values.Sum();

    public string AnswerSummary => string.Join(", ", Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}"));
}

/// <summary>
/// Segment-style clients posting <c>/v1/batch</c> over loopback, as real SDKs do: a batch not answered 200
/// is sent again (same body, same messageIds) after Retry-After (capped at 1 s here), until the run ends.
/// Bounded by time and by batches per client.
/// </summary>
public static class LoadClients
{
    public static async Task<LoadResult> RunAsync(LoadSettings settings, LoadResult? into = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var result = into ?? new LoadResult();
        result.Started = DateTimeOffset.UtcNow;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = settings.Target, Timeout = TimeSpan.FromSeconds(30) };
        var end = DateTime.UtcNow + settings.Duration;
        var auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(settings.WriteKey + ":")));
        await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(client => Task.Run(async () =>
        {
            for (var batch = 0; batch < settings.MaxBatchesPerClient && DateTime.UtcNow < end && !cancellationToken.IsCancellationRequested; batch++)
            {
                var prefix = $"{settings.RunId}-c{client}-b{batch}";
                var body = Encoding.UTF8.GetBytes(BatchJson(prefix, settings.EventsPerBatch));
                while (DateTime.UtcNow < end && !cancellationToken.IsCancellationRequested)
                {
                    var (status, retryAfter) = await PostAsync(http, auth, body, result, cancellationToken);
                    if (status == 200)
                    {
                        var at = DateTimeOffset.UtcNow;
                        for (var i = 0; i < settings.EventsPerBatch; i++)
                        {
                            result.Accepted[$"{prefix}-{i}"] = at;
                        }
                        break;
                    }
                    await Task.Delay(retryAfter is { } wait && wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromMilliseconds(status == 0 ? 250 : 1000), CancellationToken.None);
                }
            }
        }, CancellationToken.None)));
        result.Ended = DateTimeOffset.UtcNow;
        return result;
    }

    /// <summary>Posts one batch; status 0 when no answer came (connection refused, timeout).</summary>
    public static async Task<(int Status, TimeSpan? RetryAfter)> PostAsync(HttpClient http, AuthenticationHeaderValue auth, byte[] body, LoadResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(result);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/batch", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = auth;
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            result.LatenciesMs.Add(watch.Elapsed.TotalMilliseconds);
            var status = (int)response.StatusCode;
            result.Answers.AddOrUpdate(status.ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return (status, response.Headers.RetryAfter?.Delta);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            result.Answers.AddOrUpdate("no answer", 1, (_, n) => n + 1);
            return (0, null);
        }
    }

    /// <summary>A batch like a mobile app's: tracks by signed-in users, some by anonymous devices, an identify linking a device.</summary>
    public static string BatchJson(string prefix, int count)
    {
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var events = Enumerable.Range(0, count).Select(i =>
        {
            var person = (prefix.GetHashCode(StringComparison.Ordinal) & 0x7fff) * 31 + i % 23;
            var ids = (i % 5) switch
            {
                0 => $"\"anonymousId\":\"dev-{person}\"",
                1 => $"\"anonymousId\":\"dev-{person}\",\"userId\":\"user-{person}\"",
                _ => $"\"userId\":\"user-{person}\"",
            };
            var type = i % 5 == 1 ? "identify" : "track";
            return $"{{\"type\":\"{type}\",\"event\":\"Product Viewed\",{ids},\"messageId\":\"{prefix}-{i}\",\"timestamp\":\"{now}\"," +
                $"\"properties\":{{\"sku\":\"sku-{i % 97}\",\"price\":{i % 50}.5,\"currency\":\"CNY\"}},\"context\":{{\"library\":{{\"name\":\"funnel-load\",\"version\":\"1\"}},\"os\":{{\"name\":\"iOS\"}}}}}}";
        });
        return "{\"sentAt\":\"" + now + "\",\"batch\":[" + string.Join(",", events) + "]}";
    }
}
