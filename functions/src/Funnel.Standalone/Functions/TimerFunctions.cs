using Funnel.Standalone.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Functions;

/// <summary>Runs each timer-triggered function on its CRON schedule (UTC), as the Functions host does; <c>Standalone__RunTimers=false</c> turns them off.</summary>
public static class TimerFunctions
{
    public static IServiceCollection AddTimerFunctions(this IServiceCollection services, IEnumerable<AppFunction> functions, ServedFunctions served)
    {
        ArgumentNullException.ThrowIfNull(served);
        foreach (var function in functions)
        {
            if (function.Trigger is not TimerTriggerAttribute timer)
            {
                continue;
            }
            var schedule = CronSchedule.Parse(timer.Schedule);
            var invoker = new FunctionInvoker(function, []);
            services.AddSingleton<IHostedService>(sp => new TimerRunner(invoker, schedule, sp));
            served.Add(new ServedFunction(function.Name, "timerTrigger", timer.Schedule));
        }
        return services;
    }

    private sealed class TimerRunner(FunctionInvoker invoker, CronSchedule schedule, IServiceProvider services) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (!services.GetRequiredService<IOptions<StandaloneOptions>>().Value.RunTimers)
            {
                return;
            }
            var time = services.GetRequiredService<TimeProvider>();
            var logger = services.GetRequiredService<ILogger<TimerRunner>>();
            var last = time.GetUtcNow();
            while (!stoppingToken.IsCancellationRequested)
            {
                var next = schedule.Next(last);
                var wait = next - time.GetUtcNow();
                try
                {
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, time, stoppingToken);
                    }
                    await using var scope = services.CreateAsyncScope();
                    await invoker.InvokeAsync(scope.ServiceProvider, new TimerInfo(), FunctionInvoker.NoBindingData, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // As under the Functions host: a failed run is logged and the next one comes at its time.
                    logger.LogError(ex, "Timer function {Function} failed", invoker.Function.Name);
                }
                last = next;
            }
        }
    }
}
