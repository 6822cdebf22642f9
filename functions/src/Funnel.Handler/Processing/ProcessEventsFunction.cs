using Funnel.Domain.Processing;

namespace Funnel.Handler.Processing;

/// <summary>The ProcessEvents function, written once for both hosts: one <c>events</c> message in, raw blobs out.</summary>
public sealed class ProcessEventsFunction(IEventBatchMessages messages, EventBatchProcessor processor)
{
    /// <summary>Returns the number of events written; throws when the message must be retried or parked.</summary>
    public async Task<int> InvokeAsync(string message, CancellationToken cancellationToken)
    {
        var batch = await messages.FromMessageAsync(message, cancellationToken);
        return await processor.ProcessAsync(batch, cancellationToken);
    }
}
