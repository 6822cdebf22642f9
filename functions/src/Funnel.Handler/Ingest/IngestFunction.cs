using Funnel.Domain.Ingest;
using Funnel.Domain.Processing;

namespace Funnel.Handler.Ingest;

/// <summary>What the Ingest function produced: the client's answer and the <c>events</c> queue messages its host must deliver first.</summary>
public sealed record IngestOutcome(IngestResponse Response, IReadOnlyList<string> EventMessages);

/// <summary>The Ingest function, written once for both hosts.</summary>
public sealed class IngestFunction(EventIntake intake, IEventBatchMessages messages)
{
    public async Task<IngestOutcome> InvokeAsync(IngestRequest request, CancellationToken cancellationToken)
    {
        var result = await intake.ReceiveAsync(request, cancellationToken);
        if (result.Batch is null)
        {
            return new IngestOutcome(result.Response, []);
        }
        var queued = await messages.ToMessagesAsync(result.Batch, cancellationToken);
        return new IngestOutcome(result.Response, queued);
    }
}
