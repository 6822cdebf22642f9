using Azure.Storage.Queues;

namespace Funnel.Storage.Queues;

/// <summary>Delivers messages a handler emitted, when the app runs standalone (under Functions the host's output bindings do it).</summary>
public interface IQueueSender
{
    Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken);
}

/// <summary>Sends to Azure Storage queues (Azurite locally).</summary>
public sealed class StorageQueueSender(QueueServiceClient queues) : IQueueSender
{
    public async Task SendAsync(string queueName, IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var queue = queues.GetQueueClient(queueName);
        foreach (var message in messages)
        {
            await queue.SendMessageAsync(message, cancellationToken);
        }
    }
}
