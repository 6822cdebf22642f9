using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Funnel.Functions.Ingest;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace Funnel.Functions.Tests.Ingest;

/// <summary>The Ingest function method called directly, as the Functions host calls it, against the answers the standalone host gives over HTTP.</summary>
public class IngestFunctionTests : IAsyncLifetime
{
    private StandaloneHost _host = null!;

    public Task InitializeAsync()
    {
        _host = StandaloneHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Calls <see cref="IngestFunction.RunAsync"/> with a request built by hand and executes its result as the host's HTTP proxy does.</summary>
    private async Task<(int Status, string Body, string? RetryAfter)> CallFunctionAsync(string path, byte[] body, string? authorization, string? contentType, string? contentEncoding)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        if (contentEncoding is not null)
        {
            context.Request.Headers.ContentEncoding = contentEncoding;
        }
        var responseBody = new MemoryStream();
        context.Response.Body = responseBody;

        var function = ActivatorUtilities.CreateInstance<IngestFunction>(scope.ServiceProvider);
        var result = await function.RunAsync(context.Request, path.Split('/')[^1], CancellationToken.None);
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return (context.Response.StatusCode, Encoding.UTF8.GetString(responseBody.ToArray()), context.Response.Headers.RetryAfter.FirstOrDefault());
    }

    private async Task<(int Status, string Body)> PostAsync(string path, byte[] body, string? authorization, string? contentType, string? contentEncoding)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (contentEncoding is not null)
        {
            request.Content.Headers.ContentEncoding.Add(contentEncoding);
        }
        if (authorization is not null)
        {
            request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }
        using var response = await _host.Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Called_directly_the_function_answers_every_bad_request_of_the_corpus_as_the_host_serves_it()
    {
        var mismatches = new List<string>();
        foreach (var bad in BadRequestCorpus.For(StandaloneHost.WriteKey))
        {
            var direct = await CallFunctionAsync(bad.Path, bad.Body, bad.Authorization, bad.ContentType, bad.ContentEncoding);
            var served = await PostAsync(bad.Path, bad.Body, bad.Authorization, bad.ContentType, bad.ContentEncoding);
            var field = JsonDocument.Parse(direct.Body).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
            if (direct.Status != bad.Status || !field.Contains(bad.Field))
            {
                mismatches.Add($"{bad.Name}: the function answered {direct.Status} {direct.Body}, documented {bad.Status} naming '{bad.Field}'");
            }
            if (direct != (served.Status, served.Body, null))
            {
                mismatches.Add($"{bad.Name}: the function answered {direct.Status} {direct.Body}, the host {served.Status} {served.Body}");
            }
        }
        Assert.Empty(mismatches);
        Assert.Empty(_host.Sent);
    }

    [Fact]
    public async Task Called_directly_the_function_queues_accepted_events_before_answering_200()
    {
        var body = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","event":"Signed Up","userId":"u1","messageId":"m1"},{"type":"track","userId":"u2"}]}""");
        var (status, answer, _) = await CallFunctionAsync("/v1/batch", body, BadRequestCorpus.Basic(StandaloneHost.WriteKey), "application/json", null);

        Assert.Equal(200, status);
        var json = JsonDocument.Parse(answer).RootElement;
        Assert.Equal((true, 1, 1), (json.GetProperty("success").GetBoolean(), json.GetProperty("accepted").GetInt32(), json.GetProperty("rejected").GetInt32()));
        var (queue, messages) = Assert.Single(_host.Sent);
        Assert.Equal(Funnel.Storage.StorageNames.EventsQueue, queue);
        Assert.Contains("\"m1\"", Assert.Single(messages), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Called_directly_the_function_answers_503_with_Retry_After_when_the_queue_fails()
    {
        _host.Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("queue unreachable"));
        var body = Encoding.UTF8.GetBytes("""{"event":"A","userId":"u1"}""");
        var (status, answer, retryAfter) = await CallFunctionAsync("/v1/t", body, BadRequestCorpus.Basic(StandaloneHost.WriteKey), "text/plain", null);
        Assert.Equal(503, status);
        Assert.Equal("5", retryAfter);
        Assert.Equal("queue", JsonDocument.Parse(answer).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
    }
}
