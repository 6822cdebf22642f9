using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Funnel.Functions.Http;

/// <summary>
/// Headers every HTTP answer carries: <c>X-Content-Type-Options: nosniff</c> (a JSON error echoing client
/// text must never be sniffed into HTML) and no <c>Server</c> banner. Both hosts apply the same set.
/// </summary>
public sealed class SecurityHeaders : IFunctionsWorkerMiddleware
{
    public static void Apply(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.OnStarting(() =>
        {
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.Remove("Server");
            return Task.CompletedTask;
        });
    }

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            Apply(http.Response);
        }
        await next(context);
    }
}
