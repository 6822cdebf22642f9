using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Funnel.Events;
using Funnel.Events.Privacy;

namespace Funnel.Events.Ingest;

/// <summary>
/// The ingest use case: authenticate, validate every event, correct client
/// clock skew, stamp <c>receivedAt</c>, mask personal data, leave out events of erased persons, and hand
/// back the batch to enqueue with the answer to give.
/// </summary>
public sealed class EventIntake
{
    private readonly IWriteKeyDirectory _writeKeys;
    private readonly IngestLimits _limits;
    private readonly TimeProvider _time;
    private readonly JsonDocumentOptions _jsonOptions;
    private readonly EventMasking _masking;
    private readonly ErasedPersonsCache _erased;

    public EventIntake(IWriteKeyDirectory writeKeys, IngestLimits limits, TimeProvider time, EventMasking masking, ErasedPersonsCache erased)
    {
        _writeKeys = writeKeys;
        _limits = limits;
        _time = time;
        _masking = masking;
        _erased = erased;
        _jsonOptions = new JsonDocumentOptions
        {
            MaxDepth = limits.MaxJsonDepth,
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            AllowDuplicateProperties = false,
        };
    }

    public async Task<IngestResult> ReceiveAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!EventTypeNames.Routes.TryGetValue(request.RouteKind, out var routeType))
        {
            return Refused(IngestRefusal.UnknownEndpoint, "path", $"'/v1/{request.RouteKind}' is not an ingest endpoint");
        }
        var (json, refusal) = RequestBodyDecoder.Decode(request, _limits);
        if (refusal is not null)
        {
            return refusal;
        }

        var headerKey = request.CredentialWriteKey;
        if (headerKey is not null && !await _writeKeys.IsKnownAsync(headerKey, cancellationToken))
        {
            return Refused(IngestRefusal.Unauthenticated, "writeKey", "unknown write key");
        }

        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            return NotJson(request, "body is not valid UTF-8");
        }

        var receivedAt = _time.GetUtcNow();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, _jsonOptions);
        }
        catch (JsonException ex)
        {
            return NotJson(request, DescribeJsonProblem(ex));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or DecoderFallbackException)
        {
            return NotJson(request, "body is not valid UTF-8 text");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Refused(IngestRefusal.Malformed, "body", $"body must be a JSON object, not {Describe(root.ValueKind)}");
            }
            if (headerKey is null)
            {
                var bodyKey = root.TryGetProperty("writeKey", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
                if (string.IsNullOrEmpty(bodyKey))
                {
                    return Refused(IngestRefusal.Unauthenticated, "writeKey", "missing: send the write key as the HTTP Basic user name or in the body's writeKey field");
                }
                if (!await _writeKeys.IsKnownAsync(bodyKey, cancellationToken))
                {
                    return Refused(IngestRefusal.Unauthenticated, "writeKey", "unknown write key");
                }
            }
            var erased = await _erased.CurrentAsync(cancellationToken);
            return routeType is null ? ReceiveBatch(root, receivedAt, erased) : ReceiveOne(root, routeType.Value, receivedAt, erased);
        }
    }

    private IngestResult ReceiveBatch(JsonElement root, DateTimeOffset receivedAt, ErasedPersons erased)
    {
        if (!root.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
        {
            return Refused(IngestRefusal.Malformed, "batch", "required: an array of events");
        }
        var count = batch.GetArrayLength();
        if (count == 0)
        {
            return Refused(IngestRefusal.Malformed, "batch", "is empty");
        }
        if (count > _limits.MaxBatchEvents)
        {
            return Refused(IngestRefusal.TooLarge, "batch", $"holds {count} events, over the {_limits.MaxBatchEvents}-event limit");
        }
        var hasContext = root.TryGetProperty("context", out var context);
        if (hasContext && context.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
        {
            return Refused(IngestRefusal.Malformed, "context", "must be an object");
        }
        if ((ReadInstant(root, "sentAt", out var sentAt) ?? ImplausibleSendTime(sentAt, receivedAt)) is { } sentAtProblem)
        {
            return Refused(IngestRefusal.Malformed, "sentAt", sentAtProblem);
        }
        var shared = new BatchDefaults(hasContext && context.ValueKind == JsonValueKind.Object ? context : null, sentAt);
        return Accept(batch.EnumerateArray().ToList(), routeType: null, shared, receivedAt, erased);
    }

    private IngestResult ReceiveOne(JsonElement root, EventType routeType, DateTimeOffset receivedAt, ErasedPersons erased) =>
        Accept([root], routeType, new BatchDefaults(null, null), receivedAt, erased);

    private IngestResult Accept(List<JsonElement> elements, EventType? routeType, BatchDefaults shared, DateTimeOffset receivedAt, ErasedPersons erased)
    {
        var errors = new List<IngestError>();
        var valid = new List<ValidEvent>(elements.Count);
        var seenIds = new HashSet<string>(elements.Count, StringComparer.Ordinal);
        for (var i = 0; i < elements.Count; i++)
        {
            var outcome = ValidateSafely(elements[i], i, routeType, shared, receivedAt);
            if (outcome.Error is not null)
            {
                errors.Add(outcome.Error);
            }
            else if (outcome.Event.MessageId is { } id && !seenIds.Add(id))
            {
                errors.Add(new IngestError(i, "messageId", $"'{id}' repeats an earlier event of this batch"));
            }
            else
            {
                valid.Add(outcome.Event);
            }
        }
        if (valid.Count == 0)
        {
            return new IngestResult(IngestRefusal.Malformed, new IngestAnswer(false, 0, errors.Count, errors), null);
        }

        // An erased person's events are acknowledged (the client must not retry them) and counted, never stored.
        var erasedCount = valid.RemoveAll(e => erased.Contains(e.UserId ?? e.AnonymousId));
        if (valid.Count == 0)
        {
            errors.Sort((a, b) => (a.Index ?? -1).CompareTo(b.Index ?? -1));
            return new IngestResult(null, new IngestAnswer(true, erasedCount, errors.Count, errors), null) { Erased = erasedCount };
        }
        var batchId = BatchIdOf(valid);
        var events = new List<ReadOnlyMemory<byte>>(valid.Count);
        for (var i = 0; i < valid.Count; i++)
        {
            try
            {
                events.Add(StoredEvent.Write(valid[i].Element, valid[i].Type, valid[i].MessageId ?? $"{batchId}-{i}", valid[i].Timestamp, valid[i].ClientTimestamp, valid[i].SentAt, shared.Context, receivedAt, _masking));
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                errors.Add(new IngestError(valid[i].Index, "$", "contains a string that is not valid Unicode (e.g. a lone surrogate escape)"));
            }
        }
        if (events.Count == 0)
        {
            return new IngestResult(IngestRefusal.Malformed, new IngestAnswer(false, 0, errors.Count, errors), null);
        }
        errors.Sort((a, b) => (a.Index ?? -1).CompareTo(b.Index ?? -1));
        var answer = new IngestAnswer(true, events.Count + erasedCount, errors.Count, errors);
        return new IngestResult(null, answer, new RawEventBatch(batchId, receivedAt, events)) { Erased = erasedCount };
    }

    /// <summary>JSON allows escapes such as a lone "\ud800" that no .NET string can hold; such an event is rejected, not a crash.</summary>
    private (ValidEvent Event, IngestError? Error) ValidateSafely(JsonElement e, int index, EventType? routeType, BatchDefaults shared, DateTimeOffset receivedAt)
    {
        try
        {
            return Validate(e, index, routeType, shared, receivedAt);
        }
        catch (InvalidOperationException)
        {
            return (default, new IngestError(index, "$", "contains a string that is not valid Unicode (e.g. a lone surrogate escape)"));
        }
    }

    private (ValidEvent Event, IngestError? Error) Validate(JsonElement e, int index, EventType? routeType, BatchDefaults shared, DateTimeOffset receivedAt)
    {
        IngestError Fail(string field, string reason) => new(index, field, reason);

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (default, Fail("$", $"an event must be a JSON object, not {Describe(e.ValueKind)}"));
        }
        var size = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e).Length;
        if (size > _limits.MaxEventBytes)
        {
            return (default, Fail("$", $"event is {size} bytes, over the {_limits.MaxEventBytes}-byte limit"));
        }

        EventType type;
        if (routeType is { } fixedType)
        {
            type = fixedType;
        }
        else if (!e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            return (default, Fail("type", "required: one of track, identify, page, screen, alias, group"));
        }
        else if (!EventTypeNames.TryParse(t.GetString(), out type))
        {
            return (default, Fail("type", $"'{Truncate(t.GetString())}' is not one of track, identify, page, screen, alias, group"));
        }

        if (ReadId(e, "userId", _limits.MaxIdLength, out var userId) is { } userIdProblem)
        {
            return (default, Fail("userId", userIdProblem));
        }
        if (ReadId(e, "anonymousId", _limits.MaxIdLength, out var anonymousId) is { } anonymousIdProblem)
        {
            return (default, Fail("anonymousId", anonymousIdProblem));
        }
        if (userId is null && anonymousId is null)
        {
            return (default, Fail("userId", "userId or anonymousId is required"));
        }
        if (ReadId(e, "messageId", _limits.MaxMessageIdLength, out var messageId) is { } messageIdProblem)
        {
            return (default, Fail("messageId", messageIdProblem));
        }

        (string Field, int MaxLength, string WhenMissing)? required = type switch
        {
            EventType.Track => ("event", _limits.MaxEventNameLength, "required for track calls"),
            EventType.Alias => ("previousId", _limits.MaxIdLength, "alias calls need both previousId and userId"),
            EventType.Group => ("groupId", _limits.MaxIdLength, "required for group calls"),
            _ => null,
        };
        if (required is var (field, maxLength, whenMissing))
        {
            if (ReadId(e, field, maxLength, out var value) is { } problem)
            {
                return (default, Fail(field, problem));
            }
            if (value is null)
            {
                return (default, Fail(field, whenMissing));
            }
        }
        if (type == EventType.Alias && userId is null)
        {
            return (default, Fail("userId", "alias calls need both previousId and userId"));
        }

        foreach (var objectField in ObjectFields)
        {
            if (e.TryGetProperty(objectField, out var value) && value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return (default, Fail(objectField, $"must be an object, not {Describe(value.ValueKind)}"));
            }
        }

        if (NonFiniteNumber(e, null) is { } numberField)
        {
            return (default, Fail(numberField, "is a number beyond the range of a 64-bit float (such as 1e400); send a finite number"));
        }

        if (ReadInstant(e, "timestamp", out var clientTimestamp) is { } timestampProblem)
        {
            return (default, Fail("timestamp", timestampProblem));
        }
        if ((ReadInstant(e, "sentAt", out var eventSentAt) ?? ImplausibleSendTime(eventSentAt, receivedAt)) is { } sentAtProblem)
        {
            return (default, Fail("sentAt", sentAtProblem));
        }
        var sentAt = eventSentAt ?? shared.SentAt;

        // Segment's skew correction: the client's clock is off by (sentAt - receivedAt). Worked in ticks, because a
        // timestamp and sentAt at opposite ends of the calendar correct to an instant no DateTimeOffset can hold.
        var timestamp = receivedAt;
        if (clientTimestamp is { } client)
        {
            var corrected = sentAt is { } sent ? (Int128)client.UtcTicks + (receivedAt.UtcTicks - sent.UtcTicks) : client.UtcTicks;
            if (corrected < DateTimeOffset.MinValue.UtcTicks || corrected > DateTimeOffset.MaxValue.UtcTicks)
            {
                return (default, Fail("timestamp", $"{Iso8601.Format(client)} corrected by sentAt {Iso8601.Format(sentAt!.Value)} (clock-skew correction) falls outside the calendar; send the event's time and the send time from the same clock"));
            }
            timestamp = new DateTimeOffset((long)corrected, TimeSpan.Zero);
        }
        if (timestamp > receivedAt + _limits.MaxFutureSkew)
        {
            return (default, Fail("timestamp", $"{Iso8601.Format(timestamp)} (after clock-skew correction) is more than {_limits.MaxFutureSkew.TotalDays:0} day in the future"));
        }
        if (timestamp < receivedAt - _limits.MaxAge)
        {
            return (default, Fail("timestamp", $"{Iso8601.Format(timestamp)} (after clock-skew correction) is more than 2 years in the past"));
        }

        return (new ValidEvent(e, index, type, messageId, timestamp, clientTimestamp, sentAt, userId, anonymousId), null);
    }

    /// <summary>The path of the first number no double can hold (JSON allows 1e400; reports would turn it into infinity), or null.</summary>
    private static string? NonFiniteNumber(JsonElement value, string? path) =>
        HasNonFiniteNumber(value) ? PathOfNonFiniteNumber(value, path) : null;

    /// <summary>The common case, every number finite, without building a path per property.</summary>
    private static bool HasNonFiniteNumber(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return !value.TryGetDouble(out var number) || !double.IsFinite(number);
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (HasNonFiniteNumber(property.Value))
                    {
                        return true;
                    }
                }
                return false;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (HasNonFiniteNumber(item))
                    {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    private static string? PathOfNonFiniteNumber(JsonElement value, string? path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return HasNonFiniteNumber(value) ? path ?? "$" : null;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (HasNonFiniteNumber(property.Value))
                    {
                        return PathOfNonFiniteNumber(property.Value, path is null ? property.Name : $"{path}.{property.Name}");
                    }
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (HasNonFiniteNumber(item))
                    {
                        return PathOfNonFiniteNumber(item, $"{path ?? "$"}[{index}]");
                    }
                    index++;
                }
                return null;
            default:
                return null;
        }
    }

    private static readonly string[] ObjectFields = ["properties", "traits", "context", "integrations"];

    /// <summary>Deterministic from the events' ids (or bytes), so a re-posted identical batch is recognised and stored once.</summary>
    private static string BatchIdOf(List<ValidEvent> events)
    {
        // One SHA-256 over "id\n" per event (the raw JSON for an event without an id), hashed at once: a hash
        // object per request cost more than the hashing.
        var input = new ArrayBufferWriter<byte>(events.Count * 40);
        foreach (var e in events)
        {
            if (e.MessageId is { } id)
            {
                input.Advance(Encoding.UTF8.GetBytes(id, input.GetSpan(Encoding.UTF8.GetMaxByteCount(id.Length))));
            }
            else
            {
                input.Write(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e.Element));
            }
            input.Write("\n"u8);
        }
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input.WrittenSpan, digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>Reads an optional non-empty string id; returns a reason when present but unusable.</summary>
    private static string? ReadId(JsonElement e, string name, int maxLength, out string? value)
    {
        value = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (p.ValueKind != JsonValueKind.String)
        {
            return $"must be a string, not {Describe(p.ValueKind)}";
        }
        var text = p.GetString()!;
        if (text.Length > maxLength)
        {
            return $"is {text.Length} characters, over the {maxLength}-character limit";
        }
        value = string.IsNullOrWhiteSpace(text) ? null : text;
        return null;
    }

    /// <summary>Reads an optional ISO-8601 instant; returns a reason when present but unusable.</summary>
    /// <summary>
    /// A send time no client clock can show: before 1970 (a device whose clock reset shows 1970, which the skew correction
    /// handles) or more than a century after the request arrived. Every time in the event would be corrected by it.
    /// </summary>
    private static string? ImplausibleSendTime(DateTimeOffset? sentAt, DateTimeOffset receivedAt) =>
        sentAt is { } sent && (sent < DateTimeOffset.UnixEpoch || sent > receivedAt.AddYears(100))
            ? $"{Iso8601.Format(sent)} is not a time a client's clock can show (before 1970, or a century after we received it)"
            : null;

    private static string? ReadInstant(JsonElement e, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!e.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (p.ValueKind != JsonValueKind.String || !Iso8601.TryParse(p.GetString(), out var parsed))
        {
            return "must be an ISO-8601 date-time such as 2026-11-24T08:30:00.000Z";
        }
        value = parsed;
        return null;
    }

    private static string DescribeJsonProblem(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
        if (ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            return $"JSON is nested too deeply{where}";
        }
        if (ex.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("UTF8", StringComparison.OrdinalIgnoreCase))
        {
            return $"body is not valid UTF-8{where}";
        }
        if (ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return $"JSON repeats a property name{where}";
        }
        return $"body is not valid JSON{where}";
    }

    /// <summary>A body that is not UTF-8 JSON: 400 naming the body when it claimed to be JSON, 415 naming the label otherwise.</summary>
    private static IngestResult NotJson(IngestRequest request, string problem) =>
        RequestBodyDecoder.IsLabelledAsJson(request.ContentType)
            ? Refused(IngestRefusal.Malformed, "body", problem)
            : Refused(IngestRefusal.UnsupportedContent, "Content-Type", $"'{Truncate(request.ContentType)}' body is not JSON ({problem}); this API reads UTF-8 JSON bodies only, whatever the label");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Truncate(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";

    private static IngestResult Refused(IngestRefusal refusal, string field, string reason) => IngestResult.Refuse(refusal, field, reason);

    private readonly record struct BatchDefaults(JsonElement? Context, DateTimeOffset? SentAt);

    private readonly record struct ValidEvent(
        JsonElement Element, int Index, EventType Type, string? MessageId, DateTimeOffset Timestamp, DateTimeOffset? ClientTimestamp, DateTimeOffset? SentAt,
        string? UserId, string? AnonymousId);
}
