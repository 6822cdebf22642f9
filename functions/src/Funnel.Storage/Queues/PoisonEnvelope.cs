using System.Text.Json;

namespace Funnel.Storage.Queues;

/// <summary>
/// How we park a message in a poison queue: the original body with the reason it failed. The Functions
/// host parks the bare body instead; both are read back and replayed alike.
/// </summary>
internal sealed record PoisonEnvelope(string Message, string? Reason, DateTimeOffset? FailedAt, long Attempts)
{
    public static string Wrap(string message, string reason, DateTimeOffset failedAt, long attempts) =>
        JsonSerializer.Serialize(new PoisonEnvelope(message, reason, failedAt, attempts));

    public static PoisonEnvelope? TryUnwrap(string body)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<PoisonEnvelope>(body);
            return envelope?.Message is null ? null : envelope;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
