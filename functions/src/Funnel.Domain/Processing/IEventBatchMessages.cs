namespace Funnel.Domain.Processing;

/// <summary>Turns a batch into queue message bodies and back (splitting and claim checks are the adapter's business).</summary>
public interface IEventBatchMessages
{
    Task<IReadOnlyList<string>> ToMessagesAsync(RawEventBatch batch, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="FormatException"/> for a message that can never be processed.</summary>
    Task<RawEventBatch> FromMessageAsync(string message, CancellationToken cancellationToken);
}
