using Funnel.Events;

namespace Funnel.Engine.Processing;

/// <summary>Turns batches into queue message bodies and back (grouping, splitting and claim checks are the adapter's business).</summary>
public interface IEventBatchMessages
{
    /// <summary>As few messages as hold the batches; a message may carry several batches.</summary>
    Task<IReadOnlyList<string>> ToMessagesAsync(IReadOnlyList<RawEventBatch> batches, CancellationToken cancellationToken);

    /// <summary>The batches one message carries; throws <see cref="FormatException"/> for a message that can never be processed.</summary>
    Task<IReadOnlyList<RawEventBatch>> FromMessageAsync(string message, CancellationToken cancellationToken);
}
