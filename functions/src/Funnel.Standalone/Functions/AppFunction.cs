using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Standalone.Functions;

/// <summary>One <c>[Function]</c> method of the function app, with the parameter that carries its trigger.</summary>
public sealed record AppFunction(string Name, Type Class, MethodInfo Method, ParameterInfo TriggerParameter, Attribute Trigger)
{
    /// <summary>Every <c>[Function]</c> method of <paramref name="assembly"/>, found the way the Worker SDK finds them: a public method with <see cref="FunctionAttribute"/>.</summary>
    public static IReadOnlyList<AppFunction> In(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<AppFunction>();
        foreach (var type in assembly.GetExportedTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
                {
                    continue;
                }
                var triggers = method.GetParameters()
                    .SelectMany(p => p.GetCustomAttributes().Where(IsTrigger).Select(a => (Parameter: p, Attribute: a)))
                    .ToList();
                if (triggers.Count != 1)
                {
                    throw new InvalidOperationException($"function {function.Name} ({type.Name}.{method.Name}) has {triggers.Count} trigger parameters; a function has exactly one");
                }
                functions.Add(new AppFunction(function.Name, type, method, triggers[0].Parameter, triggers[0].Attribute));
            }
        }
        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The trigger attributes all derive from the worker's TriggerBindingAttribute.</summary>
    private static bool IsTrigger(Attribute attribute) =>
        attribute is Microsoft.Azure.Functions.Worker.Extensions.Abstractions.TriggerBindingAttribute;
}
