using System.Net;
using System.Net.Sockets;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;

namespace Funnel.Standalone.Functions;

/// <summary>
/// Runs the app's orchestrator and activity functions under the real Durable Task engine, in process and
/// in memory (<c>Microsoft.DurableTask.InProcessTestHost</c>), and offers its client to <c>[DurableClient]</c>
/// parameters. Orchestration history lives as long as the process: a run cut short is started again.
/// </summary>
public static class DurableFunctions
{
    private static readonly IReadOnlyCollection<string> NoBindingData = [];

    public static IServiceCollection AddDurableFunctions(this IServiceCollection services, IEnumerable<AppFunction> functions, ServedFunctions served)
    {
        ArgumentNullException.ThrowIfNull(served);
        var root = new RootServices();
        services.AddSingleton(root);
        var orchestrators = new List<FunctionInvoker>();
        var activities = new List<FunctionInvoker>();
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case OrchestrationTriggerAttribute:
                    orchestrators.Add(new FunctionInvoker(function, NoBindingData, acceptsInput: true));
                    served.Add(new ServedFunction(function.Name, "orchestrationTrigger", "durable task engine (in memory)"));
                    break;
                case ActivityTriggerAttribute:
                    activities.Add(new FunctionInvoker(function, NoBindingData));
                    served.Add(new ServedFunction(function.Name, "activityTrigger", "durable task engine (in memory)"));
                    break;
            }
        }
        services.AddInMemoryDurableHub(registry =>
        {
            foreach (var invoker in orchestrators)
            {
                registry.AddOrchestrator(invoker.Function.Name, () => new FunctionOrchestrator(invoker, root));
            }
            foreach (var invoker in activities)
            {
                registry.AddActivity(invoker.Function.Name, sp => new FunctionActivity(invoker, sp));
            }
        }, FreeLoopbackPort(), DurableConcurrency.FromHostJson(StandaloneApp.HostJson));
        return services;
    }

    /// <summary>Hands the built app's services to orchestrator instances (the registry's orchestrator factories get none).</summary>
    public static void UseDurableFunctions(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetRequiredService<RootServices>().Services = services;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal sealed class RootServices
    {
        public IServiceProvider? Services { get; set; }
    }

    private sealed class FunctionOrchestrator(FunctionInvoker invoker, RootServices root) : ITaskOrchestrator
    {
        public Type InputType => invoker.InputType ?? typeof(object);

        public Type OutputType => invoker.ResultType ?? typeof(object);

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input) =>
            invoker.InvokeAsync(
                root.Services ?? throw new InvalidOperationException("call UseDurableFunctions on the built app before starting it"),
                context, FunctionInvoker.NoBindingData, CancellationToken.None, input);
    }

    private sealed class FunctionActivity(FunctionInvoker invoker, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => invoker.Function.TriggerParameter.ParameterType;

        public Type OutputType => invoker.ResultType ?? typeof(object);

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            await using var scope = services.CreateAsyncScope();
            return await invoker.InvokeAsync(scope.ServiceProvider, input, FunctionInvoker.NoBindingData, CancellationToken.None);
        }
    }
}
