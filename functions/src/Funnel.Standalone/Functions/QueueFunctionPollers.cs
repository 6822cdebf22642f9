using System.Globalization;
using Azure.Storage.Queues;
using Funnel.Standalone.Hosting;
using Funnel.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Functions;

/// <summary>Registers a <see cref="QueuePoller"/> for each queue-triggered function, on the queue its trigger names, with the settings of the app's host.json.</summary>
public static class QueueFunctionPollers
{
    /// <summary>Binding data the Functions queue trigger offers, by the names a function parameter can take.</summary>
    private static readonly string[] BindingData = ["id", "dequeueCount", "insertionTime"];

    public static IServiceCollection AddQueueFunctionPollers(this IServiceCollection services, IEnumerable<AppFunction> functions, ServedFunctions served)
    {
        ArgumentNullException.ThrowIfNull(served);
        foreach (var function in functions)
        {
            if (function.Trigger is not QueueTriggerAttribute queue)
            {
                continue;
            }
            if (function.TriggerParameter.ParameterType != typeof(string))
            {
                throw new NotSupportedException($"function {function.Name}: the standalone host passes a queue message as a string, not {function.TriggerParameter.ParameterType.Name}");
            }
            // Without a poison queue the Functions host leaves a failing message hidden for its 10-minute lease; no such queue here.
            var poison = QueueTriggerSettings.PoisonQueueOf(queue.QueueName)
                ?? throw new NotSupportedException($"function {function.Name}: queue {queue.QueueName} has no poison queue (it is one, or its name is too long for '-poison')");
            var invoker = new FunctionInvoker(function, BindingData);
            services.AddSingleton<IHostedService>(sp =>
            {
                var queues = sp.GetRequiredService<QueueServiceClient>();
                return new QueuePoller(
                    new StorageQueueChannel(queues, queue.QueueName),
                    queues.GetQueueClient(poison),
                    (message, ct) => InvokeAsync(sp, invoker, message, ct),
                    sp.GetRequiredService<QueueTriggerSettings>(),
                    sp.GetRequiredService<IOptions<StandaloneOptions>>(),
                    sp.GetRequiredService<ILogger<QueuePoller>>());
            });
            served.Add(new ServedFunction(function.Name, "queueTrigger", queue.QueueName));
        }
        return services;
    }

    private static async Task InvokeAsync(IServiceProvider services, FunctionInvoker invoker, QueuedMessage message, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var bindingData = new Dictionary<string, string>
        {
            ["id"] = message.MessageId,
            ["dequeueCount"] = message.DequeueCount.ToString(CultureInfo.InvariantCulture),
            ["insertionTime"] = message.InsertedOn?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty,
        };
        await invoker.InvokeAsync(scope.ServiceProvider, message.Body, bindingData, cancellationToken);
    }
}
