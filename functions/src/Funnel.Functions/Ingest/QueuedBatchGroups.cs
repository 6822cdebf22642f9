using Funnel.Engine.Processing;
using Funnel.Events;
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
public sealed class QueuedBatchGroups
{
    private readonly GroupCommit<RawEventBatch, bool> _groups;

    public QueuedBatchGroups(IEventBatchMessages messages, IQueueSender sender, EventsBacklog backlog, IOptions<IngestOptions> options)
    {
        // One send in flight (GroupCommit): every request that arrives meanwhile joins the next group, so groups grow with
        // the load; a group too large for one message goes as several, sent together.
        _groups = new GroupCommit<RawEventBatch, bool>(async group =>
        {
            // The group's own deadline: a request that stops waiting earlier gets its 503, and if its batch reaches the
            // queue anyway the client's retry carries the same batch id, which processing stores once.
            using var timeout = new CancellationTokenSource(options.Value.StorageTimeout);
            var queued = await messages.ToMessagesAsync(group, timeout.Token);
            await sender.SendAsync(StorageNames.EventsQueue, queued, timeout.Token);
            backlog.Queued(queued.Count);
            return [.. group.Select(_ => true)];
        });
    }

    /// <summary>Completes when the batch is in the queue; throws what the send threw (a storage failure or its timeout).</summary>
    public Task SendAsync(RawEventBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _groups.AddAsync(batch, cancellationToken);
    }
}
