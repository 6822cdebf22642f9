using System.Globalization;
using Azure.Storage.Queues;
using Funnel.Functions.Configuration;
using Funnel.Standalone.Hosting;
using Funnel.Storage.Queues;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Functions;

/// <summary>Registers a <see cref="QueuePoller"/> for each queue-triggered function, on the queue its trigger names.</summary>
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
            var invoker = new FunctionInvoker(function, BindingData);
            services.AddSingleton<IHostedService>(sp => new QueuePoller(
                new StorageQueueChannel(sp.GetRequiredService<QueueServiceClient>(), queue.QueueName),
                (message, ct) => InvokeAsync(sp, invoker, message, ct),
                sp.GetRequiredService<IOptions<PipelineOptions>>(),
                sp.GetRequiredService<ILogger<QueuePoller>>()));
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
