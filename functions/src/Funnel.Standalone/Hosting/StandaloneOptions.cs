using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Funnel.Standalone.Hosting;

/// <summary>The <c>Standalone</c> settings: read by this host only (under the Functions host its own triggers run the functions).</summary>
public sealed class StandaloneOptions
{
    public const string Section = "Standalone";

    /// <summary>Poll the queues in this process; off where a test or a tool calls the queue functions itself.</summary>
    public bool RunQueuePollers { get; set; } = true;

    /// <summary>Run the timer functions on their schedules in this process.</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>
    /// How long a message being worked on stays hidden, renewed every third of it while its function runs, so a
    /// message held by a killed process is back this soon (the Functions host leases for 10 minutes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "7.00:00:00")]
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Refuses the settings this host used to read from the <c>Pipeline</c> section, naming where each lives now: left in place, one would silently do nothing.</summary>
internal sealed class MovedStandaloneSettings(IConfiguration configuration) : IValidateOptions<StandaloneOptions>
{
    private static readonly string[] Moved = [nameof(StandaloneOptions.RunQueuePollers), nameof(StandaloneOptions.RunTimers), nameof(StandaloneOptions.MessageLease)];

    public ValidateOptionsResult Validate(string? name, StandaloneOptions options)
    {
        var failures = Moved
            .Where(setting => configuration[$"Pipeline:{setting}"] is not null)
            .Select(setting => $"Pipeline__{setting} is no longer read; set {StandaloneOptions.Section}__{setting} (see README, \"Settings\")")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
