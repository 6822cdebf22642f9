using Azure.Storage.Queues;

namespace Funnel.Storage.Queues;

/// <summary>Sends messages to the pipeline's queues, and parks a message that can never succeed in its poison queue.</summary>
public interface IQueueSender
{
    Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken);

    /// <summary>Puts <paramref name="message"/> in <c>{queueName}-poison</c> with <paramref name="reason"/>, for a person to read and replay.</summary>
    Task ParkAsync(string queueName, string message, string reason, CancellationToken cancellationToken);
}

/// <summary>Sends to Azure Storage queues (Azurite locally).</summary>
public sealed class StorageQueueSender(QueueServiceClient queues, TimeProvider time) : IQueueSender
{
    public async Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var queue = queues.GetQueueClient(queueName);
        await Task.WhenAll(messages.Select(message => queue.SendMessageAsync(message, cancellationToken)));
    }

    public async Task ParkAsync(string queueName, string message, string reason, CancellationToken cancellationToken) =>
        await queues.GetQueueClient(StorageNames.PoisonQueueOf(queueName))
            .SendMessageAsync(PoisonEnvelope.Wrap(message, reason, time.GetUtcNow(), attempts: 1), cancellationToken);
}
