using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// An experiment as configured: the share of exposures each variant is meant to get (any positive weights, normalised;
/// even over the variants seen when absent) and the first funnel's steps tested against control, by step name (every
/// step after the first when absent).
/// </summary>
public sealed record ExperimentDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("shares"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Shares = null,
    [property: JsonPropertyName("steps"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Steps = null)
{
    /// <summary>The indices in <paramref name="funnel"/> of the steps tested: the configured ones in their order, else every step after the first.</summary>
    public IReadOnlyList<int> TestedSteps(IReadOnlyList<FunnelStep> funnel)
    {
        ArgumentNullException.ThrowIfNull(funnel);
        return Steps is null ? [.. Enumerable.Range(1, funnel.Count - 1)] : [.. Steps.Select(name => StepIndex(funnel, name)).Where(k => k > 0)];
    }

    /// <summary>The first step after the funnel's first named <paramref name="name"/> (label, else event); -1 when none is.</summary>
    public static int StepIndex(IReadOnlyList<FunnelStep> funnel, string? name)
    {
        ArgumentNullException.ThrowIfNull(funnel);
        for (var k = 1; k < funnel.Count; k++)
        {
            if (funnel[k] is { } step && string.Equals(step.Name, name, StringComparison.Ordinal))
            {
                return k;
            }
        }
        return -1;
    }

    /// <summary>Adds each problem of the configured experiments to <paramref name="problems"/>, named by path (<c>experiments[0].shares.new</c>).</summary>
    public static void Validate(IReadOnlyList<ExperimentDefinition>? experiments, FunnelDefinition? firstFunnel, List<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; experiments is not null && i < experiments.Count; i++)
        {
            var at = $"experiments[{i}]";
            if (experiments[i] is not { } experiment)
            {
                problems.Add(new(at, "must be an object"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(experiment.Name))
            {
                problems.Add(new($"{at}.name", "every experiment needs a name"));
            }
            else if (!names.Add(experiment.Name))
            {
                problems.Add(new($"{at}.name", $"experiment '{experiment.Name}' is defined twice"));
            }
            if (experiment.Shares is { } shares)
            {
                if (shares.Count < 2)
                {
                    problems.Add(new($"{at}.shares", "needs at least two variants"));
                }
                foreach (var (variant, share) in shares)
                {
                    if (string.IsNullOrWhiteSpace(variant))
                    {
                        problems.Add(new($"{at}.shares", "a variant needs a non-empty name"));
                    }
                    else if (!double.IsFinite(share) || share <= 0)
                    {
                        problems.Add(new($"{at}.shares.{variant}", "must be a number greater than 0"));
                    }
                }
            }
            AddStepProblems(at, experiment.Steps, firstFunnel, problems);
        }
    }

    private static void AddStepProblems(string at, IReadOnlyList<string>? steps, FunnelDefinition? firstFunnel, List<DefinitionProblem> problems)
    {
        if (steps is null)
        {
            return;
        }
        if (steps.Count == 0)
        {
            problems.Add(new($"{at}.steps", "name at least one step, or leave steps out to test every step"));
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < steps.Count; k++)
        {
            var stepAt = $"{at}.steps[{k}]";
            if (string.IsNullOrWhiteSpace(steps[k]))
            {
                problems.Add(new(stepAt, "must name a step of the first funnel"));
            }
            else if (!seen.Add(steps[k]))
            {
                problems.Add(new(stepAt, $"step '{steps[k]}' is named twice"));
            }
            // Without a valid first funnel the funnel's own problem is reported; the step cannot be checked against it.
            else if (firstFunnel?.Steps is { Count: >= 2 } funnel && StepIndex(funnel, steps[k]) < 0)
            {
                problems.Add(new(stepAt, $"'{steps[k]}' is not a step of funnel '{firstFunnel.Name}' after its first"));
            }
        }
    }
}
