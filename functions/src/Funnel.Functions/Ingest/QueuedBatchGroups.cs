using Funnel.Domain.Processing;
using Funnel.Functions.Configuration;
using Funnel.Storage;
using Funnel.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Ingest;

/// <summary>
/// Queues accepted batches together (group commit): the batches of requests that arrive while a send is under
/// way go out in the next messages, compressed, several to a message. Each request still waits until its own
/// batch is in the queue, so a 200 keeps meaning "durably queued"; a failed send fails every request of its group.
/// Under load this turns one queue message per request into one per ten or so, for ingest and ProcessEvents alike.
/// </summary>
public sealed class QueuedBatchGroups(IEventBatchMessages messages, IQueueSender sender, EventsBacklog backlog, IOptions<IngestOptions> options)
{
    /// <summary>
    /// One send in flight: every request that arrives meanwhile joins the next group, so groups grow with the load (a
    /// group too large for one message goes as several, sent together). A second sender halved the groups and doubled
    /// the messages, each one a queue transaction and, on the emulator, a costly delete.
    /// </summary>
    private const int MaxSends = 1;

    private readonly Lock _gate = new();
    private List<Waiting> _waiting = [];
    private int _sending;

    private sealed record Waiting(RawEventBatch Batch, TaskCompletionSource Queued);

    /// <summary>Completes when the batch is in the queue; throws what the send threw (a storage failure or its timeout).</summary>
    public Task SendAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var waiting = new Waiting(batch, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var lead = false;
        lock (_gate)
        {
            _waiting.Add(waiting);
            if (_sending < MaxSends)
            {
                _sending++;
                lead = true;
            }
        }
        if (lead)
        {
            _ = Task.Run(SendWaitingAsync, CancellationToken.None);
        }
        return waiting.Queued.Task.WaitAsync(cancellationToken);
    }

    private async Task SendWaitingAsync()
    {
        while (true)
        {
            List<Waiting> group;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _sending--;
                    return;
                }
                group = _waiting;
                _waiting = [];
            }
            try
            {
                // The group's own deadline: a request that stops waiting earlier gets its 503, and if its batch reaches
                // the queue anyway the client's retry carries the same batch id, which processing stores once.
                using var timeout = new CancellationTokenSource(options.Value.StorageTimeout);
                var queued = await messages.ToMessagesAsync(group.ConvertAll(w => w.Batch), timeout.Token);
                await sender.SendAsync(StorageNames.EventsQueue, queued, timeout.Token);
                backlog.Queued(queued.Count);
                group.ForEach(w => w.Queued.TrySetResult());
            }
            catch (Exception ex)
            {
                group.ForEach(w => w.Queued.TrySetException(ex));
            }
        }
    }
}
