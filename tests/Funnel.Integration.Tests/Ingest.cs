using System.Net.Http.Headers;
using System.Text;

namespace Funnel.Integration.Tests;

/// <summary>Builds ingest requests for the tests.</summary>
internal static class Ingest
{
    public static string Basic(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));

    public static HttpRequestMessage Request(string path, byte[] body, string? authorization = null, string? contentType = "application/json", string? contentEncoding = null)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    public static HttpRequestMessage Batch(string json) => Request("/v1/batch", Encoding.UTF8.GetBytes(json), Basic(PipelineFixture.WriteKey));

    /// <summary>A valid batch of <paramref name="count"/> track events with messageIds {prefix}-{i}.</summary>
    public static string TrackBatch(string prefix, int count, int firstIndex = 0) =>
        "{\"batch\":[" + string.Join(",", Enumerable.Range(firstIndex, count).Select(i =>
            $"{{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"{prefix}-user-{i % 37}\",\"messageId\":\"{prefix}-{i}\",\"properties\":{{\"price\":{i}}}}}")) + "]}";
}
