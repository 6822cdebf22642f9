using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Funnel.Domain.Metrics;

/// <summary>
/// A step matches track events named <see cref="Event"/> whose property <see cref="Property"/> equals <see cref="EqualsValue"/> when given.
/// <see cref="Label"/> names the step in report.json; <see cref="Labels"/> are its display names by language for the page.
/// </summary>
public sealed record FunnelStep(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("windowDays")] int? WindowDays,
    [property: JsonPropertyName("label")] string? Label = null,
    [property: JsonPropertyName("property")] string? Property = null,
    [property: JsonPropertyName("equals")] string? EqualsValue = null,
    [property: JsonPropertyName("labels"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Labels = null)
{
    /// <summary>The name the report shows for the step.</summary>
    [JsonIgnore]
    public string Name => Label ?? Event;
}

/// <summary>漏斗 funnel: ordered steps, each reached within its window of the previous one.</summary>
public sealed record FunnelDefinition(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("steps")] IReadOnlyList<FunnelStep> Steps);

/// <summary>The definitions a report is computed with; their hash goes in the report's manifest.</summary>
public sealed record MetricDefinitions(
    [property: JsonPropertyName("funnels")] IReadOnlyList<FunnelDefinition> Funnels,
    [property: JsonPropertyName("signupEvent")] string SignupEvent,
    [property: JsonPropertyName("experimentEvent")] string ExperimentEvent,
    [property: JsonPropertyName("experimentConversionStep")] int ExperimentConversionStep = 2,
    [property: JsonPropertyName("controlVariant")] string ControlVariant = "control",
    [property: JsonPropertyName("purchaseEvent")] string PurchaseEvent = "Order Completed",
    [property: JsonPropertyName("currency")] string Currency = "CNY",
    [property: JsonPropertyName("channelDailyCosts")] IReadOnlyDictionary<string, decimal>? ChannelDailyCosts = null,
    [property: JsonPropertyName("trackingPlan"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TrackingPlan = null,
    [property: JsonPropertyName("targets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TargetDefinition>? Targets = null)
{
    /// <summary>The funnels of the operations reports this project comes from: 注册→激活→首购→复购 and the purchase path.</summary>
    public static MetricDefinitions Default { get; } = new(
        [
            new FunnelDefinition("lifecycle",
            [
                new FunnelStep("Signed Up", null),
                new FunnelStep("Activated", 7),
                new FunnelStep("Order Completed", 3, "first purchase"),
                new FunnelStep("Order Completed", 30, "repurchase"),
            ]),
            new FunnelDefinition("purchase path",
            [
                new FunnelStep("Product Viewed", null),
                new FunnelStep("Product Added", 1),
                new FunnelStep("Checkout Started", 1),
                new FunnelStep("Order Completed", 1),
            ]),
        ],
        "Signed Up",
        "Experiment Viewed");

    /// <summary>Whether any funnel step filters on a property, so events must keep their properties.</summary>
    [JsonIgnore]
    public bool FiltersOnProperties => Funnels.Any(f => f.Steps.Any(s => s.Property is not null));

    /// <summary>
    /// <c>sha256:…</c> of the canonical JSON; a change means state must be rebuilt from raw. Targets are left out: they
    /// judge the figures without changing them (the report's <c>targets</c> block says which were applied).
    /// </summary>
    [JsonIgnore]
    public string Hash => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Figures))));

    // Display labels are left out like targets: renaming a step on the page changes no figure, so it must not mean a rebuild.
    private MetricDefinitions Figures => this with
    {
        Targets = null,
        Funnels = [.. Funnels.Select(f => f with { Steps = [.. f.Steps.Select(s => s with { Labels = null })] })],
    };

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads definitions from JSON (the shape <see cref="Default"/> serialises to) and validates them; errors name the file and what is wrong.</summary>
    public static MetricDefinitions Load(string json, string source)
    {
        MetricDefinitions? definitions;
        try
        {
            definitions = JsonSerializer.Deserialize<MetricDefinitions>(json, FileOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{source}: {ex.Message}", ex);
        }
        if (definitions?.Funnels is null || definitions.SignupEvent is null || definitions.ExperimentEvent is null)
        {
            throw new ArgumentException($"{source}: needs funnels, signupEvent and experimentEvent");
        }
        try
        {
            definitions.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{source}: {ex.Message}", ex);
        }
        return definitions;
    }

    /// <summary>Checks the definitions and names what is wrong.</summary>
    public void Validate()
    {
        if (Funnels.Count == 0)
        {
            throw new ArgumentException("definitions: at least one funnel is required");
        }
        if (TrackingPlan is not null && TrackingPlan.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("definitions: trackingPlan: every entry must be a non-empty event name");
        }
        ValidateLabelsAndTargets();
        foreach (var funnel in Funnels)
        {
            if (string.IsNullOrWhiteSpace(funnel.Name) || funnel.Steps is null)
            {
                throw new ArgumentException("definitions: every funnel needs a name and steps");
            }
            if (funnel.Steps.Any(s => string.IsNullOrWhiteSpace(s.Event)))
            {
                throw new ArgumentException($"funnel '{funnel.Name}': every step needs an event name");
            }
            if (funnel.Steps.Any(s => (s.Property is null) != (s.EqualsValue is null)))
            {
                throw new ArgumentException($"funnel '{funnel.Name}': a step filter needs both property and equals");
            }
            if (funnel.Steps.Count < 2)
            {
                throw new ArgumentException($"funnel '{funnel.Name}': needs at least two steps");
            }
            if (funnel.Steps[0].WindowDays is not null)
            {
                throw new ArgumentException($"funnel '{funnel.Name}': the first step has no window");
            }
            foreach (var step in funnel.Steps.Skip(1))
            {
                if (step.WindowDays is not (> 0 and <= 40))
                {
                    throw new ArgumentException($"funnel '{funnel.Name}', step '{step.Name}': windowDays must be 1 to 40");
                }
            }
        }
    }

    /// <summary>Every problem of the steps' labels and the targets, each naming its path (<c>targets[2].better</c>) and the reason, in one error.</summary>
    private void ValidateLabelsAndTargets()
    {
        var problems = new List<string>();
        for (var f = 0; f < Funnels.Count; f++)
        {
            for (var s = 0; s < (Funnels[f]?.Steps?.Count ?? 0); s++)
            {
                DisplayLabels.Validate($"funnels[{f}].steps[{s}]", Funnels[f].Steps[s]?.Labels, problems);
            }
        }
        for (var i = 0; i < (Targets?.Count ?? 0); i++)
        {
            var at = $"targets[{i}]";
            if (Targets![i] is not { } target)
            {
                problems.Add($"{at}: must be an object");
                continue;
            }
            if (string.IsNullOrWhiteSpace(target.Figure))
            {
                problems.Add($"{at}.figure: must name a figure's path in report.json, e.g. money.payingConversion");
            }
            else if (Reports.FigurePath.Problem(target.Figure) is { } problem)
            {
                problems.Add($"{at}.figure: {problem}");
            }
            if (target.Target is not { } value || !double.IsFinite(value))
            {
                problems.Add($"{at}.target: must be a number");
            }
            if (target.Better is not (TargetDefinition.Higher or TargetDefinition.Lower))
            {
                problems.Add($"{at}.better: must be \"{TargetDefinition.Higher}\" or \"{TargetDefinition.Lower}\"");
            }
            if (target.Amber is { } amber && (!double.IsFinite(amber) || amber < 0))
            {
                problems.Add($"{at}.amber: must be a number 0 or more");
            }
            DisplayLabels.Validate(at, target.Labels, problems);
        }
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }
}
