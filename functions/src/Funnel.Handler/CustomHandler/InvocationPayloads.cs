using System.Text.Json;
using System.Text.Json.Serialization;

namespace Funnel.Handler.CustomHandler;

/// <summary>What the Functions host POSTs to <c>/{FunctionName}</c>: binding values and trigger metadata.</summary>
public sealed class InvocationRequest
{
    public Dictionary<string, JsonElement> Data { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, JsonElement> Metadata { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An HTTP trigger's request as the host describes it in <c>Data.req</c>.</summary>
public sealed class HttpTriggerRequest
{
    public string? Url { get; set; }
    public string? Method { get; set; }
    public string? Query { get; set; }
    public Dictionary<string, string[]> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, string> Params { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The body as a string: text as sent, or base64 for binary bodies (the trigger's dataType is binary, so gzip survives).</summary>
    public string? Body { get; set; }

    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Length > 0 ? string.Join(",", values) : null;
}

/// <summary>The HTTP response the host relays to the client, in <c>Outputs.res</c>.</summary>
public sealed record HttpBindingResponse(
    [property: JsonPropertyName("statusCode")] int StatusCode,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string> Headers);

/// <summary>The handler's answer to the host. A non-2xx answer tells the host the invocation failed.</summary>
public sealed class InvocationResponse
{
    [JsonPropertyName("Outputs")]
    public Dictionary<string, object?> Outputs { get; init; } = [];

    [JsonPropertyName("Logs")]
    public List<string> Logs { get; init; } = [];

    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue { get; init; }
}
