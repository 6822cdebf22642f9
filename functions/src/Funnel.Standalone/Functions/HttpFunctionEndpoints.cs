using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;

namespace Funnel.Standalone.Functions;

/// <summary>Maps each HTTP-triggered function to its route and methods, as the Functions host does with an empty route prefix, behind its authorization level (<see cref="FunctionKeys"/>).</summary>
public static class HttpFunctionEndpoints
{
    /// <summary>Same policy for every route, as the function app's platform CORS setting (<c>allowedOrigins: *</c>) applies to every route.</summary>
    public const string CorsPolicy = "function-app";

    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder routes, IEnumerable<AppFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var served = routes.ServiceProvider.GetRequiredService<ServedFunctions>();
        foreach (var function in functions)
        {
            if (function.Trigger is not HttpTriggerAttribute http)
            {
                continue;
            }
            if (function.TriggerParameter.ParameterType != typeof(HttpRequest))
            {
                throw new NotSupportedException($"function {function.Name}: the standalone host passes an HttpRequest (ASP.NET Core integration), not {function.TriggerParameter.ParameterType.Name}");
            }
            var route = "/" + (http.Route ?? function.Name);
            var routeValues = RoutePatternFactory.Parse(route).Parameters.Select(p => p.Name).ToList();
            var invoker = new FunctionInvoker(function, routeValues);
            var methods = (http.Methods is { Length: > 0 } m ? m : ["get", "post"]).Select(x => x.ToUpperInvariant()).ToArray();
            var level = http.AuthLevel;
            if (level == AuthorizationLevel.User)
            {
                throw new NotSupportedException($"function {function.Name}: the User level needs App Service authentication, which the standalone host does not have");
            }
            routes.MapMethods(route, methods, (HttpContext context) => level == AuthorizationLevel.Anonymous ? InvokeAsync(invoker, context) : InvokeWithKeyAsync(invoker, level, context))
                .WithName(function.Name)
                .RequireCors(CorsPolicy);
            served.Add(new ServedFunction(function.Name, "httpTrigger", $"{string.Join(",", methods)} {route}"));
        }
        return routes;
    }

    private static async Task InvokeWithKeyAsync(FunctionInvoker invoker, AuthorizationLevel level, HttpContext context)
    {
        if (context.RequestServices.GetRequiredService<FunctionKeys>().Refusal(context.Request, invoker.Function.Name, level) is { } refusal)
        {
            // The Functions host answers 401 with no body; the reason here saves a local user the guessing.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { errors = new[] { new { field = FunctionKeys.Header, reason = refusal } } }, context.RequestAborted);
            return;
        }
        await InvokeAsync(invoker, context);
    }

    private static async Task InvokeAsync(FunctionInvoker invoker, HttpContext context)
    {
        var bindingData = context.Request.RouteValues.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
        var result = await invoker.InvokeAsync(context.RequestServices, context.Request, bindingData, context.RequestAborted);
        switch (result)
        {
            case IResult minimal:
                await minimal.ExecuteAsync(context);
                break;
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case null:
                break;
            default:
                throw new NotSupportedException($"function {invoker.Function.Name} returned {result.GetType().Name}; return IActionResult or IResult");
        }
    }
}
