using System.Text.Json;
using Funnel.Domain.Processing;

namespace Funnel.Domain.Privacy;

/// <summary>Finds an erased person's events among stored or queued event JSON.</summary>
public static class ErasedEvents
{
    /// <summary>The requests that erased the person of one event (UTF-8 JSON); empty for anyone else's event or a line that is not an event.</summary>
    public static IReadOnlyList<string> RequestsOf(ReadOnlySpan<byte> json, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(erased);
        if (erased.IsEmpty)
        {
            return [];
        }
        var reader = new Utf8JsonReader(json);
        string? personKey = null, userId = null, anonymousId = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return [];
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && name is "personKey" or "userId" or "anonymousId")
                {
                    var value = reader.GetString() is { } text && !string.IsNullOrWhiteSpace(text) ? text : null;
                    if (name == "personKey")
                    {
                        personKey = value;
                    }
                    else if (name == "userId")
                    {
                        userId = value;
                    }
                    else
                    {
                        anonymousId = value;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return [];
        }
        return erased.RequestsOf(personKey, userId, anonymousId);
    }

    /// <summary>The batch without the erased persons' events (the same batch when there are none).</summary>
    public static RawEventBatch Without(RawEventBatch batch, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(erased);
        if (erased.IsEmpty)
        {
            return batch;
        }
        var kept = batch.Events.Where(e => RequestsOf(e.Span, erased).Count == 0).ToList();
        return kept.Count == batch.Events.Count ? batch : batch with { Events = kept };
    }
}
