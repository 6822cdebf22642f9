using Moq;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Funnel.Handler.Tests.CustomHandler;

/// <summary>Invocations shaped as the Functions host sends them to a custom handler (Data/Metadata in, Outputs/Logs/ReturnValue out).</summary>
public class InvocationPayloadTests : IAsyncLifetime
{
    private HandlerHost _host = null!;

    public Task InitializeAsync()
    {
        _host = HandlerHost.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static JsonObject HttpInvocation(string kind, string body, string? authorization, string contentType = "application/json", string? contentEncoding = null)
    {
        var headers = new JsonObject { ["Content-Type"] = new JsonArray(contentType) };
        if (authorization is not null)
        {
            headers["Authorization"] = new JsonArray(authorization);
        }
        if (contentEncoding is not null)
        {
            headers["Content-Encoding"] = new JsonArray(contentEncoding);
        }
        return new JsonObject
        {
            ["Data"] = new JsonObject
            {
                ["req"] = new JsonObject
                {
                    ["Url"] = $"https://funnel.example.net/v1/{kind}",
                    ["Method"] = "POST",
                    ["Query"] = "{}",
                    ["Headers"] = headers,
                    ["Params"] = new JsonObject { ["kind"] = kind },
                    ["Body"] = body,
                },
            },
            ["Metadata"] = new JsonObject { ["kind"] = kind, ["sys"] = new JsonObject { ["MethodName"] = "Ingest", ["UtcNow"] = "2026-11-24T10:00:00Z" } },
        };
    }

    private async Task<JsonElement> InvokeAsync(string function, JsonObject payload, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _host.Client.PostAsync($"/{function}", new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Ingest_answers_the_client_in_Outputs_res_and_emits_the_events_messages()
    {
        var answer = await InvokeAsync("Ingest", HttpInvocation("batch", """{"batch":[{"type":"track","event":"Signed Up","userId":"u1","messageId":"m1"}]}""", HandlerHost.Basic(HandlerHost.WriteKey)));

        var res = answer.GetProperty("Outputs").GetProperty("res");
        Assert.Equal(200, res.GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json; charset=utf-8", res.GetProperty("headers").GetProperty("Content-Type").GetString());
        var body = JsonDocument.Parse(res.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        var message = Assert.Single(answer.GetProperty("Outputs").GetProperty("events").EnumerateArray());
        var queued = JsonDocument.Parse(message.GetString()!).RootElement;
        Assert.Equal("m1", queued.GetProperty("events")[0].GetProperty("messageId").GetString());
        Assert.Empty(_host.Sent);
    }

    [Fact]
    public async Task Ingest_reads_a_gzip_body_the_host_passed_as_base64()
    {
        using var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","event":"A","userId":"u1"},{"type":"page","anonymousId":"a1"}]}"""));
        }
        var answer = await InvokeAsync("Ingest", HttpInvocation("b", Convert.ToBase64String(gz.ToArray()), HandlerHost.Basic(HandlerHost.WriteKey), contentEncoding: "gzip"));
        var body = JsonDocument.Parse(answer.GetProperty("Outputs").GetProperty("res").GetProperty("body").GetString()!).RootElement;
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task A_client_error_is_a_successful_invocation_carrying_the_4xx_and_no_messages()
    {
        var answer = await InvokeAsync("Ingest", HttpInvocation("batch", """{"batch":[]}""", HandlerHost.Basic("wrong")));
        var outputs = answer.GetProperty("Outputs");
        Assert.Equal(401, outputs.GetProperty("res").GetProperty("statusCode").GetInt32());
        Assert.False(outputs.TryGetProperty("events", out _));
    }

    [Fact]
    public async Task Ingest_takes_the_route_kind_from_the_url_when_Params_are_missing()
    {
        var payload = HttpInvocation("t", """{"event":"A","userId":"u1"}""", HandlerHost.Basic(HandlerHost.WriteKey));
        payload["Data"]!["req"]!.AsObject().Remove("Params");
        var answer = await InvokeAsync("Ingest", payload);
        Assert.Equal(200, answer.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task An_invocation_without_the_trigger_binding_is_refused_to_the_host()
    {
        await InvokeAsync("Ingest", new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject() }, HttpStatusCode.BadRequest);
        await InvokeAsync("ProcessEvents", new JsonObject { ["Data"] = new JsonObject(), ["Metadata"] = new JsonObject() }, HttpStatusCode.BadRequest);
    }

    private static string QueuedBatch(params string[] persons) => new JsonObject
    {
        ["batchId"] = "batch-1",
        ["receivedAt"] = "2026-11-24T10:00:00.000Z",
        ["events"] = new JsonArray(persons.Select((p, i) => (JsonNode)new JsonObject { ["type"] = "track", ["event"] = "A", ["userId"] = p, ["messageId"] = $"m{i}" }).ToArray()),
    }.ToJsonString();

    [Fact]
    public async Task ProcessEvents_writes_raw_blobs_from_a_message_passed_as_a_string()
    {
        var payload = new JsonObject
        {
            ["Data"] = new JsonObject { ["message"] = QueuedBatch("u1", "u2", "u3") },
            ["Metadata"] = new JsonObject { ["DeliveryCount"] = 1, ["MessageId"] = "sb-1" },
        };
        var answer = await InvokeAsync("ProcessEvents", payload);
        Assert.Contains("wrote 3 events", answer.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
        Assert.All(_host.Written, w => Assert.Equal("batch-1", w.Name.BatchId));
        Assert.NotEmpty(_host.Written);
    }

    [Fact]
    public async Task ProcessEvents_accepts_a_message_the_host_already_parsed_as_json()
    {
        var payload = new JsonObject { ["Data"] = new JsonObject { ["message"] = JsonNode.Parse(QueuedBatch("u1")) }, ["Metadata"] = new JsonObject() };
        await InvokeAsync("ProcessEvents", payload);
        Assert.Single(_host.Written);
    }

    [Fact]
    public async Task A_failing_ProcessEvents_answers_non_2xx_so_the_host_redelivers()
    {
        _host.Raw.Setup(r => r.WriteAsync(It.IsAny<Funnel.Domain.Processing.RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("storage is down"));
        var payload = new JsonObject { ["Data"] = new JsonObject { ["message"] = QueuedBatch("u1") }, ["Metadata"] = new JsonObject() };
        var answer = await InvokeAsync("ProcessEvents", payload, HttpStatusCode.InternalServerError);
        Assert.Contains("storage is down", answer.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }
}
