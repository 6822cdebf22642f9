using System.IO.Compression;
using System.Text;

namespace Funnel.Testing;

/// <summary>One bad request and what the API must answer: the status and the field the error names.</summary>
public sealed record BadRequest(string Name, string Path, byte[] Body, string? Authorization, string? ContentType, string? ContentEncoding, int Status, string Field)
{
    public override string ToString() => Name;
}

/// <summary>The documented refusals, one per way a client can get a request wrong; the API's tests and the function's tests share it.</summary>
public static class BadRequestCorpus
{
    public static string Basic(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>The corpus for an app that accepts <paramref name="writeKey"/>.</summary>
    public static IReadOnlyList<BadRequest> For(string writeKey)
    {
        var key = Basic(writeKey);
        BadRequest Json(string name, string json, int status, string field, string path = "/v1/batch") =>
            new(name, path, Encoding.UTF8.GetBytes(json), key, "application/json", null, status, field);
        BadRequest Event(string name, string eventJson, string field) =>
            Json(name, "{\"batch\":[" + eventJson + "]}", 400, field);

        var future = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var small = """{"type":"track","event":"A","userId":"u1"}""";
        var invalidUtf8 = Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","event":"A","userId":"u""").Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(Encoding.UTF8.GetBytes("\"}]}")).ToArray();
        var deep = "{\"batch\":[{\"type\":\"track\",\"event\":\"A\",\"userId\":\"u1\",\"properties\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100) + "}]}";

        return
        [
            Json("malformed JSON", """{"batch":[""", 400, "body"),
            Json("truncated event", """{"batch":[{"type":"track" """, 400, "body"),
            Json("not JSON at all", "hello world", 400, "body"),
            Json("empty body", "", 400, "body"),
            Json("array at the root", "[]", 400, "body"),
            Json("string at the root", "\"track\"", 400, "body"),
            Json("trailing comma", """{"batch":[{"type":"track","event":"A","userId":"u1"},]}""", 400, "body"),
            Json("comment in JSON", """{"batch":[/* hi */{"type":"track","event":"A","userId":"u1"}]}""", 400, "body"),
            Json("NaN literal", """{"batch":[{"type":"track","event":"A","userId":"u1","properties":{"p":NaN}}]}""", 400, "body"),
            Json("duplicate property names", """{"batch":[{"type":"track","event":"A","userId":"u1","userId":"u2"}]}""", 400, "body"),
            new("invalid UTF-8", "/v1/batch", invalidUtf8, key, "application/json", null, 400, "body"),
            Json("nesting 100 levels deep", deep, 400, "body"),
            Json("no batch field", "{}", 400, "batch"),
            Json("batch is an object", """{"batch":{}}""", 400, "batch"),
            Json("batch is empty", """{"batch":[]}""", 400, "batch"),
            Json("batch-level context not an object", """{"context":"x","batch":[{"type":"track","event":"A","userId":"u1"}]}""", 400, "context"),
            Json("batch-level sentAt not a date", """{"sentAt":"soon","batch":[{"type":"track","event":"A","userId":"u1"}]}""", 400, "sentAt"),
            Event("event is a number", "1", "$"),
            Event("unknown type", """{"type":"purchase","event":"A","userId":"u1"}""", "type"),
            Event("missing type", """{"event":"A","userId":"u1"}""", "type"),
            Event("type is a number", """{"type":3,"event":"A","userId":"u1"}""", "type"),
            Event("missing ids", """{"type":"track","event":"A"}""", "userId"),
            Event("empty ids", """{"type":"track","event":"A","userId":"","anonymousId":" "}""", "userId"),
            Event("userId is a number", """{"type":"track","event":"A","userId":42}""", "userId"),
            Event("anonymousId is an object", """{"type":"track","event":"A","anonymousId":{"id":1}}""", "anonymousId"),
            Event("userId over 256 characters", $$"""{"type":"track","event":"A","userId":"{{new string('u', 300)}}"}""", "userId"),
            Event("track without event", """{"type":"track","userId":"u1"}""", "event"),
            Event("event is a boolean", """{"type":"track","event":true,"userId":"u1"}""", "event"),
            Event("event over 256 characters", $$"""{"type":"track","event":"{{new string('e', 300)}}","userId":"u1"}""", "event"),
            Event("messageId over 100 characters", $$"""{"type":"track","event":"A","userId":"u1","messageId":"{{new string('m', 101)}}"}""", "messageId"),
            Event("messageId is a number", """{"type":"track","event":"A","userId":"u1","messageId":7}""", "messageId"),
            Event("properties is an array", """{"type":"track","event":"A","userId":"u1","properties":[1,2]}""", "properties"),
            Event("traits is a string", """{"type":"identify","userId":"u1","traits":"vip"}""", "traits"),
            Event("context is a number", """{"type":"track","event":"A","userId":"u1","context":5}""", "context"),
            Event("integrations is an array", """{"type":"track","event":"A","userId":"u1","integrations":[]}""", "integrations"),
            Event("timestamp is not a date", """{"type":"track","event":"A","userId":"u1","timestamp":"yesterday"}""", "timestamp"),
            Event("timestamp is a number", """{"type":"track","event":"A","userId":"u1","timestamp":1732400000}""", "timestamp"),
            Event("timestamp is an impossible date", """{"type":"track","event":"A","userId":"u1","timestamp":"2026-02-30T10:00:00Z"}""", "timestamp"),
            Event("timestamp in US format", """{"type":"track","event":"A","userId":"u1","timestamp":"11/24/2026 10:00"}""", "timestamp"),
            Event("timestamp 3 days in the future", $$"""{"type":"track","event":"A","userId":"u1","timestamp":"{{future}}"}""", "timestamp"),
            Event("timestamp 6 years old", """{"type":"track","event":"A","userId":"u1","timestamp":"2020-01-01T00:00:00Z"}""", "timestamp"),
            Event("sentAt is not a date", """{"type":"track","event":"A","userId":"u1","sentAt":"now"}""", "sentAt"),
            Event("alias without previousId", """{"type":"alias","userId":"u1"}""", "previousId"),
            Event("group without groupId", """{"type":"group","userId":"u1"}""", "groupId"),
            Event("lone surrogate escape", """{"type":"track","event":"\ud800","userId":"u1"}""", "$"),
            Event("event over 32 KB", $$$"""{"type":"track","event":"A","userId":"u1","properties":{"blob":"{{{new string('x', 33_000)}}}"}}""", "$"),
            Json("over 2,500 events", "{\"batch\":[" + string.Join(",", Enumerable.Repeat(small, 2_501)) + "]}", 413, "batch"),
            Json("body over 500 KB", "{\"batch\":[" + string.Join(",", Enumerable.Repeat(small, 2_000)) + ",{\"pad\":\"" + new string('p', 450_000) + "\"}]}", 413, "body"),
            new("gzip bomb", "/v1/batch", Gzip(Encoding.UTF8.GetBytes("{\"batch\":[" + new string(' ', 50_000_000) + "]}")), key, "application/json", "gzip", 413, "body"),
            new("gzip header but plain body", "/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + small + "]}"), key, "application/json", "gzip", 400, "body"),
            new("brotli encoding", "/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + small + "]}"), key, "application/json", "br", 415, "Content-Encoding"),
            new("XML body labelled XML", "/v1/batch", Encoding.UTF8.GetBytes("<batch/>"), key, "application/xml", null, 415, "Content-Type"),
            new("form body labelled as a form", "/v1/track", Encoding.UTF8.GetBytes("event=A&userId=u1"), key, "application/x-www-form-urlencoded", null, 415, "Content-Type"),
            new("latin-1 body labelled latin-1", "/v1/batch", Encoding.Latin1.GetBytes("{\"batch\":[{\"type\":\"track\",\"event\":\"Café\",\"userId\":\"u1\"}]}"), key, "text/plain; charset=iso-8859-1", null, 415, "Content-Type"),
            Event("number beyond a double", """{"type":"track","event":"A","userId":"u1","properties":{"price":1e400}}""", "properties.price"),
            Event("negative number beyond a double in an array", """{"type":"track","event":"A","userId":"u1","properties":{"items":[1,-2e999]}}""", "properties.items[1]"),
            new("unknown write key", "/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + small + "]}"), Basic("not-a-key"), "application/json", null, 401, "writeKey"),
            new("no write key anywhere", "/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + small + "]}"), null, "application/json", null, 401, "writeKey"),
            new("bearer token instead of basic", "/v1/batch", Encoding.UTF8.GetBytes("{\"batch\":[" + small + "]}"), "Bearer abc", "application/json", null, 401, "writeKey"),
            new("unknown write key in body", "/v1/t", Encoding.UTF8.GetBytes("""{"writeKey":"nope","event":"A","userId":"u1"}"""), null, "text/plain", null, 401, "writeKey"),
            Json("unknown endpoint", """{"event":"A","userId":"u1"}""", 404, "path", "/v1/purchase"),
        ];
    }
}
