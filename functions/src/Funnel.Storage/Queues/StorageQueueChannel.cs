using Azure;
using Azure.Storage.Queues;

namespace Funnel.Storage.Queues;

/// <summary>One Storage queue with its poison queue, as the standalone host uses them.</summary>
public sealed class StorageQueueChannel
{
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;

    public StorageQueueChannel(QueueServiceClient queues, string queueName)
    {
        ArgumentNullException.ThrowIfNull(queues);
        Name = queueName;
        _queue = queues.GetQueueClient(queueName);
        _poison = queues.GetQueueClient(StorageNames.PoisonQueueOf(queueName));
    }

    public string Name { get; }

    public async Task SendAsync(string body, CancellationToken cancellationToken) =>
        await _queue.SendMessageAsync(body, cancellationToken);

    public async Task<IReadOnlyList<QueuedMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var received = await _queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken);
        return received.Value.Select(m => new QueuedMessage(m.MessageId, m.PopReceipt, m.Body.ToString(), m.DequeueCount, m.InsertedOn)).ToList();
    }

    public async Task CompleteAsync(QueuedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
            // Already gone, or delivered again after our lease ran out: the next delivery redoes idempotent work.
        }
    }

    /// <summary>Keeps a message hidden for <paramref name="visibilityTimeout"/> more while it is worked on; returns it with its new pop receipt.</summary>
    public async Task<QueuedMessage> RenewAsync(QueuedMessage message, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var receipt = await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: visibilityTimeout, cancellationToken: cancellationToken);
        return message with { PopReceipt = receipt.Value.PopReceipt };
    }

    /// <summary>The message is no longer ours to settle: deleted, or received again with a new pop receipt.</summary>
    public static bool IsLeaseLost(RequestFailedException error) =>
        error is { Status: 404 } || error.ErrorCode is "PopReceiptMismatch" or "MessageNotFound";

    /// <summary>Makes a failed message visible again after <paramref name="delay"/> (backoff before the next try).</summary>
    public async Task AbandonAsync(QueuedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
        }
    }

    /// <summary>Parks a message in <c>{queue}-poison</c> with its reason, then removes it from the queue: copy first, so nothing is lost.</summary>
    public async Task MoveToPoisonAsync(QueuedMessage message, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _poison.SendMessageAsync(PoisonEnvelope.Wrap(message.Body, reason, DateTimeOffset.UtcNow, message.DequeueCount), cancellationToken);
        await CompleteAsync(message, cancellationToken);
    }

    public async Task<IReadOnlyList<PoisonMessage>> PeekPoisonAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var peeked = await _poison.PeekMessagesAsync(Math.Clamp(maxMessages, 1, 32), cancellationToken);
        return peeked.Value.Select(m => ToPoison(m.MessageId, string.Empty, m.Body.ToString())).ToList();
    }

    /// <summary>Moves every poison message back to the queue (send first, then delete). Returns how many.</summary>
    public async Task<int> ReplayPoisonAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        while (true)
        {
            var batch = await _poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken);
            if (batch.Value.Length == 0)
            {
                return replayed;
            }
            foreach (var m in batch.Value)
            {
                var poison = ToPoison(m.MessageId, m.PopReceipt, m.Body.ToString());
                await _queue.SendMessageAsync(poison.Body, cancellationToken);
                await _poison.DeleteMessageAsync(m.MessageId, m.PopReceipt, cancellationToken);
                replayed++;
            }
        }
    }

    public async Task<int> ApproximateCountAsync(CancellationToken cancellationToken) =>
        (await _queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    /// <summary>The queue's length and how long its oldest visible message has waited (zero when empty).</summary>
    public async Task<QueueBacklog> BacklogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = await ApproximateCountAsync(cancellationToken);
        var oldest = count == 0 ? [] : (await _queue.PeekMessagesAsync(1, cancellationToken)).Value;
        var age = oldest.Length > 0 && oldest[0].InsertedOn is { } inserted ? now - inserted : TimeSpan.Zero;
        return new QueueBacklog(count, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    private static PoisonMessage ToPoison(string id, string popReceipt, string body) =>
        PoisonEnvelope.TryUnwrap(body) is { } envelope
            ? new PoisonMessage(id, popReceipt, envelope.Message, envelope.Reason ?? "(no reason recorded)", envelope.FailedAt)
            : new PoisonMessage(id, popReceipt, body, "(parked by the Functions host after too many deliveries; its log has the errors)", null);
}
