using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Funnel.Standalone.Functions;

/// <summary>
/// Calls a function method as the worker would: a new instance of its class from the container for each
/// invocation (constructor injection), the trigger value and binding data as arguments, and the awaited result.
/// </summary>
public sealed class FunctionInvoker
{
    private readonly AppFunction _function;
    private readonly Func<IServiceProvider, object?> _createInstance;
    private readonly bool _returnsValue;

    public FunctionInvoker(AppFunction function, IReadOnlyCollection<string> bindingDataNames)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(bindingDataNames);
        _function = function;
        foreach (var parameter in function.Method.GetParameters())
        {
            var bindable = parameter == function.TriggerParameter
                || parameter.ParameterType == typeof(CancellationToken)
                || (parameter.ParameterType == typeof(string) && bindingDataNames.Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase));
            if (!bindable)
            {
                throw new NotSupportedException(
                    $"the standalone host cannot bind parameter '{parameter.Name}' ({parameter.ParameterType.Name}) of function {function.Name}; " +
                    "take services by constructor and keep to the trigger, route values and CancellationToken");
            }
        }
        var returnType = function.Method.ReturnType;
        _returnsValue = returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>);
        var factory = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.Class, Type.EmptyTypes);
        _createInstance = factory is null ? _ => null : services => factory(services, null);
    }

    public AppFunction Function => _function;

    /// <summary>Invokes the function and returns what it returned (null for a plain <see cref="Task"/>).</summary>
    public async Task<object?> InvokeAsync(
        IServiceProvider services, object trigger, IReadOnlyDictionary<string, string> bindingData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        var arguments = _function.Method.GetParameters().Select(p =>
            p == _function.TriggerParameter ? trigger
            : p.ParameterType == typeof(CancellationToken) ? cancellationToken
            : bindingData.FirstOrDefault(b => string.Equals(b.Key, p.Name, StringComparison.OrdinalIgnoreCase)).Value).ToArray();
        var instance = _createInstance(services);
        try
        {
            var returned = _function.Method.Invoke(instance, arguments);
            if (returned is not Task task)
            {
                return returned;
            }
            await task;
            // The declared type, not the runtime one: an async Task method's task is a Task<VoidTaskResult> at run time.
            return _returnsValue ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
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
