using System.Text.Json;
using Funnel.Events.Ingest;

namespace Funnel.Domain.Tests.Ingest;

public class EventIntakeTests
{
    private readonly IntakeHarness _harness = new();

    [Fact]
    public async Task A_valid_batch_is_accepted_and_queued_with_receivedAt_stamped()
    {
        var result = await _harness.PostAsync("batch", """
            {"batch":[
              {"type":"track","event":"Signed Up","userId":"u1","messageId":"m1","timestamp":"2026-11-24T09:00:00Z","properties":{"method":"phone"}},
              {"type":"identify","anonymousId":"a1","messageId":"m2","traits":{"city":"上海"}}
            ]}
            """);

        Assert.Null(result.Refusal);
        Assert.Equal((true, 2, 0), (result.Answer.Success, result.Answer.Accepted, result.Answer.Rejected));
        var events = IntakeHarness.Events(result);
        Assert.Equal(["m1", "m2"], events.Select(e => e.GetProperty("messageId").GetString()));
        Assert.All(events, e => Assert.Equal("2026-11-24T10:00:20.000Z", e.GetProperty("receivedAt").GetString()));
        Assert.Equal("phone", events[0].GetProperty("properties").GetProperty("method").GetString());
        Assert.Equal("上海", events[1].GetProperty("traits").GetProperty("city").GetString());
        Assert.Equal(IntakeHarness.ReceivedAt, result.Batch!.ReceivedAt);
    }

    [Fact]
    public async Task Client_clock_skew_is_corrected_from_sentAt_and_the_original_timestamp_kept()
    {
        // The device clock runs 15 s behind: it stamped sentAt 10:00:05 when we received at 10:00:20.
        var result = await _harness.PostAsync("batch", """
            {"sentAt":"2026-11-24T10:00:05Z","batch":[{"type":"track","event":"Activated","userId":"u1","timestamp":"2026-11-24T10:00:00Z"}]}
            """);
        var e = Assert.Single(IntakeHarness.Events(result));
        Assert.Equal("2026-11-24T10:00:15.000Z", e.GetProperty("timestamp").GetString());
        Assert.Equal("2026-11-24T10:00:00.000Z", e.GetProperty("originalTimestamp").GetString());
    }

    [Fact]
    public async Task An_event_level_sentAt_wins_over_the_batch_one()
    {
        var result = await _harness.PostAsync("batch", """
            {"sentAt":"2026-11-24T10:00:05Z","batch":[{"type":"track","event":"A","userId":"u1","timestamp":"2026-11-24T10:00:00+08:00","sentAt":"2026-11-24T10:00:10+08:00"}]}
            """);
        Assert.Equal("2026-11-24T10:00:10.000Z", Assert.Single(IntakeHarness.Events(result)).GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task An_event_without_timestamp_happened_when_received()
    {
        var result = await _harness.PostAsync("track", """{"event":"A","userId":"u1"}""");
        Assert.Equal("2026-11-24T10:00:20.000Z", Assert.Single(IntakeHarness.Events(result)).GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task Batch_context_applies_to_every_event_and_the_events_own_keys_win()
    {
        var result = await _harness.PostAsync("batch", """
            {"context":{"library":{"name":"analytics-node"},"locale":"zh-CN"},
             "batch":[{"type":"track","event":"A","userId":"u1","context":{"locale":"en-US"}},{"type":"track","event":"B","userId":"u2"}]}
            """);
        var events = IntakeHarness.Events(result);
        Assert.Equal("en-US", events[0].GetProperty("context").GetProperty("locale").GetString());
        Assert.Equal("analytics-node", events[0].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
        Assert.Equal("zh-CN", events[1].GetProperty("context").GetProperty("locale").GetString());
    }

    [Fact]
    public async Task A_batch_context_key_written_with_an_escape_still_yields_to_the_events_own_key()
    {
        var result = await _harness.PostAsync("batch", """
            {"context":{"loc\u0061le":"zh-CN","app":{"name":"shop"}},
             "batch":[{"type":"track","event":"A","userId":"u1","context":{"locale":"en-US"}}]}
            """);
        var context = Assert.Single(IntakeHarness.Events(result)).GetProperty("context");
        Assert.Equal(["locale", "app"], context.EnumerateObject().Select(p => p.Name));
        Assert.Equal("en-US", context.GetProperty("locale").GetString());
    }

    [Fact]
    public async Task The_write_key_in_a_body_authenticates_and_is_never_stored()
    {
        var result = await _harness.PostBytesAsync("t", System.Text.Encoding.UTF8.GetBytes("""{"writeKey":"good-key","event":"A","anonymousId":"a1"}"""), null, "text/plain", null);
        Assert.Null(result.Refusal);
        var e = Assert.Single(IntakeHarness.Events(result));
        Assert.False(e.TryGetProperty("writeKey", out _));
        Assert.Equal("track", e.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_client_cannot_name_the_person_an_event_counts_for()
    {
        var result = await _harness.PostBytesAsync("t", System.Text.Encoding.UTF8.GetBytes("""{"writeKey":"good-key","event":"A","anonymousId":"a1","personKey":"someone-else"}"""), null, "text/plain", null);
        Assert.Null(result.Refusal);
        var e = Assert.Single(IntakeHarness.Events(result));
        Assert.False(e.TryGetProperty("personKey", out _));
        Assert.Equal("a1", Funnel.Events.PersonKey.Read(System.Text.Encoding.UTF8.GetBytes(e.GetRawText())).Person);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "gzip")]
    [InlineData("application/octet-stream", null)]
    [InlineData("text/plain; charset=iso-8859-1", null)]
    [InlineData("application/xml", "gzip")]
    [InlineData("application/vnd.segment+json", null)]
    public async Task A_JSON_body_is_accepted_whatever_its_Content_Type_says(string contentType, string? contentEncoding)
    {
        const string json = """{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m1"}]}""";
        var body = contentEncoding is null ? System.Text.Encoding.UTF8.GetBytes(json) : IntakeHarness.Gzip(json);

        var result = await _harness.PostBytesAsync("batch", body, "good-key", contentType, contentEncoding);

        Assert.Null(result.Refusal);
        Assert.Equal("m1", Assert.Single(IntakeHarness.Events(result)).GetProperty("messageId").GetString());
    }

    [Theory]
    [InlineData("application/json", IngestRefusal.Malformed, "body")]
    [InlineData("text/plain", IngestRefusal.Malformed, "body")]
    [InlineData("application/x-www-form-urlencoded", IngestRefusal.UnsupportedContent, "Content-Type")]
    public async Task A_body_that_is_not_JSON_is_refused_naming_the_body_or_its_label(string contentType, IngestRefusal refusal, string field)
    {
        var result = await _harness.PostBytesAsync("track", "event=A&userId=u1"u8.ToArray(), "good-key", contentType, null);

        Assert.Equal(refusal, result.Refusal);
        Assert.Equal(field, Assert.Single(result.Answer.Errors).Field);
        Assert.Contains("not valid JSON", result.Answer.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("t", "track")]
    [InlineData("identify", "identify")]
    [InlineData("p", "page")]
    [InlineData("s", "screen")]
    [InlineData("g", "group")]
    public async Task A_single_call_route_sets_the_event_type(string route, string type)
    {
        var result = await _harness.PostAsync(route, """{"event":"A","userId":"u1","previousId":"a1","groupId":"g1"}""");
        Assert.Equal(type, Assert.Single(IntakeHarness.Events(result)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Events_without_messageId_get_one_that_is_the_same_when_the_same_body_is_posted_again()
    {
        const string body = """{"batch":[{"type":"track","event":"A","userId":"u1","timestamp":"2026-11-24T09:00:00Z"},{"type":"track","event":"B","userId":"u1","timestamp":"2026-11-24T09:00:00Z"}]}""";
        var first = await _harness.PostAsync("batch", body);
        var second = await _harness.PostAsync("batch", body);
        var ids = IntakeHarness.Events(first).Select(e => e.GetProperty("messageId").GetString()).ToList();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Equal(ids, IntakeHarness.Events(second).Select(e => e.GetProperty("messageId").GetString()));
        Assert.Equal(first.Batch!.BatchId, second.Batch!.BatchId);
    }

    [Fact]
    public async Task Batches_with_different_events_get_different_ids()
    {
        var a = await _harness.PostAsync("batch", """{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m1"}]}""");
        var b = await _harness.PostAsync("batch", """{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m2"}]}""");
        Assert.NotEqual(a.Batch!.BatchId, b.Batch!.BatchId);
    }

    [Fact]
    public async Task Invalid_events_are_listed_by_index_and_field_while_the_valid_ones_are_queued()
    {
        var result = await _harness.PostAsync("batch", """
            {"batch":[
              {"type":"track","event":"A","userId":"u1"},
              {"type":"track","userId":"u2"},
              {"type":"bogus","userId":"u3"},
              {"type":"track","event":"A"},
              {"type":"track","event":"A","userId":42},
              {"type":"track","event":"A","userId":"u1","timestamp":"yesterday"},
              {"type":"track","event":"A","userId":"u1","properties":[1]},
              {"type":"alias","userId":"u1"},
              "not an object"
            ]}
            """);
        Assert.Null(result.Refusal);
        Assert.Equal(1, result.Answer.Accepted);
        Assert.Equal(
            [(1, "event"), (2, "type"), (3, "userId"), (4, "userId"), (5, "timestamp"), (6, "properties"), (7, "previousId"), (8, "$")],
            result.Answer.Errors.Select(e => (e.Index!.Value, e.Field)));
        Assert.All(result.Answer.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public async Task A_batch_with_no_valid_event_is_a_400_and_queues_nothing()
    {
        var result = await _harness.PostAsync("batch", """{"batch":[{"type":"track","userId":"u2"}]}""");
        Assert.Equal(IngestRefusal.Malformed, result.Refusal);
        Assert.Null(result.Batch);
        Assert.Equal("required for track calls", Assert.Single(result.Answer.Errors).Reason);
    }

    [Theory]
    [InlineData("2026-11-25T10:00:21Z", "in the future")]
    [InlineData("2024-11-23T10:00:00Z", "2 years in the past")]
    public async Task Timestamps_too_far_from_now_are_rejected(string timestamp, string reason)
    {
        var result = await _harness.PostAsync("track", $$"""{"event":"A","userId":"u1","timestamp":"{{timestamp}}"}""");
        Assert.Equal(IngestRefusal.Malformed, result.Refusal);
        var error = Assert.Single(result.Answer.Errors);
        Assert.Equal("timestamp", error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "sentAt", "not a time a client's clock can show")]
    [InlineData("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "sentAt", "not a time a client's clock can show")]
    [InlineData("9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "timestamp", "outside the calendar")]
    [InlineData("0001-01-01T00:00:00Z", "2100-01-01T00:00:00Z", "timestamp", "outside the calendar")]
    public async Task A_timestamp_and_sentAt_at_opposite_ends_of_the_calendar_refuse_that_event_only(string timestamp, string sentAt, string field, string reason)
    {
        var result = await _harness.PostAsync("batch", $$"""{"batch":[{"type":"track","event":"A","userId":"u1","timestamp":"{{timestamp}}","sentAt":"{{sentAt}}"},{"type":"track","event":"B","userId":"u1"}]}""");
        Assert.Null(result.Refusal);
        Assert.Equal(1, result.Answer.Accepted);
        var error = Assert.Single(result.Answer.Errors);
        Assert.Equal((0, field), (error.Index!.Value, error.Field));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timestamp_just_inside_the_future_limit_is_accepted()
    {
        var result = await _harness.PostAsync("track", """{"event":"A","userId":"u1","timestamp":"2026-11-25T10:00:19Z"}""");
        Assert.Null(result.Refusal);
    }

    [Fact]
    public async Task A_repeated_messageId_within_one_batch_is_rejected()
    {
        var result = await _harness.PostAsync("batch", """{"batch":[{"type":"track","event":"A","userId":"u1","messageId":"m"},{"type":"track","event":"B","userId":"u1","messageId":"m"}]}""");
        Assert.Equal(1, result.Answer.Accepted);
        Assert.Equal((1, "messageId"), (result.Answer.Errors[0].Index!.Value, result.Answer.Errors[0].Field));
    }

    [Fact]
    public async Task A_gzip_body_is_inflated()
    {
        var body = IntakeHarness.Gzip("""{"batch":[{"type":"track","event":"A","userId":"u1"}]}""");
        var result = await _harness.PostBytesAsync("batch", body, "good-key", "application/json", "gzip");
        Assert.Null(result.Refusal);
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_with_413_before_it_fills_memory()
    {
        var bomb = IntakeHarness.Gzip("{\"batch\":[" + new string(' ', 20_000_000) + "]}");
        var result = await _harness.PostBytesAsync("batch", bomb, "good-key", "application/json", "gzip");
        Assert.Equal(IngestRefusal.TooLarge, result.Refusal);
        Assert.Contains("inflates past", result.Answer.Errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_before_the_body_is_read()
    {
        var result = await _harness.PostAsync("batch", "this is not even json", "stolen-key");
        Assert.Equal(IngestRefusal.Unauthenticated, result.Refusal);
        Assert.Equal("writeKey", result.Answer.Errors[0].Field);
    }

    [Fact]
    public async Task The_answer_serialises_as_the_documented_json()
    {
        var result = await _harness.PostAsync("batch", """{"batch":[{"type":"track","event":"A","userId":"u1"},{"type":"track","userId":"u1"}]}""");
        var json = JsonSerializer.Serialize(result.Answer);
        Assert.Equal("""{"success":true,"accepted":1,"rejected":1,"errors":[{"index":1,"field":"event","reason":"required for track calls"}]}""", json);
    }
}
