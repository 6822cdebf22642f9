using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Funnel.Standalone.Functions;

/// <summary>
/// Calls a function method as the worker would: a new instance of its class from the container for each
/// invocation (constructor injection), the trigger value, binding data, a <c>[DurableClient]</c> and an
/// orchestration's input as arguments, and the awaited result.
/// </summary>
public sealed class FunctionInvoker
{
    private enum Source { Trigger, Cancellation, DurableClient, BindingData, Input }

    private readonly AppFunction _function;
    private readonly (ParameterInfo Parameter, Source Source)[] _parameters;
    private readonly Func<IServiceProvider, object?> _createInstance;

    /// <param name="function">The function to call.</param>
    /// <param name="bindingDataNames">Names the trigger offers as binding data (route values, queue message id, …).</param>
    /// <param name="acceptsInput">An orchestrator: its first otherwise unbound parameter is the orchestration input, as the Durable extension binds it.</param>
    public FunctionInvoker(AppFunction function, IReadOnlyCollection<string> bindingDataNames, bool acceptsInput = false)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(bindingDataNames);
        _function = function;
        var parameters = new List<(ParameterInfo, Source)>();
        foreach (var parameter in function.Method.GetParameters())
        {
            // By position: hosts started in parallel may each get their own ParameterInfo objects for one method.
            Source? source =
                parameter.Position == function.TriggerParameter.Position ? Source.Trigger
                : parameter.ParameterType == typeof(CancellationToken) ? Source.Cancellation
                : parameter.GetCustomAttribute<DurableClientAttribute>() is not null ? Source.DurableClient
                : parameter.ParameterType == typeof(string) && bindingDataNames.Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase) ? Source.BindingData
                : acceptsInput && InputType is null ? Source.Input
                : null;
            if (source is null)
            {
                throw new NotSupportedException(
                    $"the standalone host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of function {function.Name}; " +
                    "take services by constructor and keep to the trigger, route values, [DurableClient], the orchestration input and CancellationToken");
            }
            if (source == Source.Input)
            {
                InputType = parameter.ParameterType;
            }
            parameters.Add((parameter, source.Value));
        }
        _parameters = [.. parameters];
        var returnType = function.Method.ReturnType;
        ResultType = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetGenericArguments()[0]
            : returnType == typeof(Task) || returnType == typeof(void) ? null
            : returnType;
        var factory = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.Class, Type.EmptyTypes);
        _createInstance = factory is null ? _ => null : services => factory(services, null);
    }

    /// <summary>For triggers that offer no binding data (timers, orchestrations, activities).</summary>
    public static IReadOnlyDictionary<string, string> NoBindingData { get; } = new Dictionary<string, string>();

    public AppFunction Function => _function;

    /// <summary>The orchestration input's type, when the function takes one.</summary>
    public Type? InputType { get; }

    /// <summary>What the function returns once awaited; null for none.</summary>
    public Type? ResultType { get; }

    /// <summary>Invokes the function and returns what it returned (null for a plain <see cref="Task"/>).</summary>
    public async Task<object?> InvokeAsync(
        IServiceProvider services, object? trigger, IReadOnlyDictionary<string, string> bindingData, CancellationToken cancellationToken, object? input = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(bindingData);
        var arguments = _parameters.Select(p => p.Source switch
        {
            Source.Trigger => trigger,
            Source.Cancellation => cancellationToken,
            Source.DurableClient => services.GetRequiredService<DurableTaskClient>(),
            Source.Input => input,
            _ => bindingData.FirstOrDefault(b => string.Equals(b.Key, p.Parameter.Name, StringComparison.OrdinalIgnoreCase)).Value,
        }).ToArray();
        var instance = _createInstance(services);
        try
        {
            var returned = _function.Method.Invoke(instance, arguments);
            if (returned is not Task task)
            {
                return returned;
            }
            // No ConfigureAwait(false): an orchestrator must continue on the orchestration's own context.
            await task;
            // The declared type, not the runtime one: an async Task method's task is a Task<VoidTaskResult> at run time.
            return ResultType is null ? null : task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }
}
