using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Funnel.Metrics;

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

/// <summary>净推荐值 NPS's source: track events named <see cref="Event"/> whose property <see cref="ScoreProperty"/> holds a whole score 0-10.</summary>
public sealed record SurveyDefinition(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("scoreProperty")] string ScoreProperty)
{
    public static SurveyDefinition Default { get; } = new("Survey Answered", "score");
}

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
    [property: JsonPropertyName("targets"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TargetDefinition>? Targets = null,
    [property: JsonPropertyName("survey"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SurveyDefinition? Survey = null,
    [property: JsonPropertyName("experiments"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ExperimentDefinition>? Experiments = null,
    [property: JsonPropertyName("audienceActions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? AudienceActions = null,
    [property: JsonPropertyName("features"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Features = null,
    [property: JsonPropertyName("touches"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TouchChannel>? Touches = null,
    [property: JsonPropertyName("sessionGapMinutes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SessionGapMinutes = null)
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

    /// <summary>The survey NPS reads: the definitions' own, else <see cref="SurveyDefinition.Default"/>.</summary>
    [JsonIgnore]
    public SurveyDefinition SurveyInForce => Survey ?? SurveyDefinition.Default;

    /// <summary>The feature events whose use the report measures (功能使用率): the definitions' own, else <see cref="DefaultFeatures"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FeaturesInForce => Features ?? DefaultFeatures;

    /// <summary>Features a shop's app usually measures: search, coupons, sharing.</summary>
    public static IReadOnlyList<string> DefaultFeatures { get; } = ["Search Performed", "Coupon Claimed", "Product Shared"];

    /// <summary>The touch channels (sent and opened events, weekly cap): the definitions' own, else <see cref="TouchMetric.DefaultChannels"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<TouchChannel> TouchesInForce => Touches ?? TouchMetric.DefaultChannels;

    /// <summary>The longest gap inside a session (minutes; default 30). In the hash: the fold keeps the instants a gap this long reaches back to.</summary>
    [JsonIgnore]
    public long SessionGapMs => (SessionGapMinutes ?? SessionMetric.DefaultGapMinutes) * 60_000L;

    /// <summary>The event properties the fold reads (funnel step filters, the survey's score): the reader keeps these and drops the rest.</summary>
    [JsonIgnore]
    public IReadOnlySet<string> KeptProperties =>
        Funnels.SelectMany(f => f.Steps).Select(s => s.Property).OfType<string>().Append(SurveyInForce.ScoreProperty).ToHashSet(StringComparer.Ordinal);

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
        // Experiments' shares and tested steps judge the figures like targets and change none of them; suggested actions neither.
        Experiments = null,
        AudienceActions = null,
        Funnels = [.. Funnels.Select(f => f with { Steps = [.. f.Steps.Select(s => s with { Labels = null })] })],
    };

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Reads definitions from JSON (the shape <see cref="Default"/> serialises to) and validates them; the error names the file and every problem.</summary>
    public static MetricDefinitions Load(string json, string source)
    {
        var (definitions, problems) = Parse(json);
        return definitions ?? throw new ArgumentException($"{source}: {DefinitionProblem.Describe(problems)}");
    }

    /// <summary>Reads a definitions document: the definitions, or every problem found (path and reason), never both.</summary>
    public static (MetricDefinitions? Definitions, IReadOnlyList<DefinitionProblem> Problems) Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        MetricDefinitions? definitions;
        try
        {
            definitions = JsonSerializer.Deserialize<MetricDefinitions>(json, FileOptions);
        }
        catch (JsonException ex)
        {
            return (null, [new DefinitionProblem(DefinitionProblem.PathOf(ex.Path), ex.Message)]);
        }
        if (definitions is null)
        {
            return (null, [new DefinitionProblem(DefinitionProblem.Document, "must be a JSON object")]);
        }
        var missing = new List<DefinitionProblem>();
        if (definitions.Funnels is null)
        {
            missing.Add(new("funnels", "is required"));
        }
        if (definitions.SignupEvent is null)
        {
            missing.Add(new("signupEvent", "is required"));
        }
        if (definitions.ExperimentEvent is null)
        {
            missing.Add(new("experimentEvent", "is required"));
        }
        if (missing.Count > 0)
        {
            return (null, missing);
        }
        var problems = definitions.Problems();
        return problems.Count > 0 ? (null, problems) : (definitions, []);
    }

    /// <summary>Checks the definitions; the error names every problem.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(DefinitionProblem.Describe(problems));
        }
    }

    /// <summary>Every problem of the definitions, each with the path of the field (<c>funnels[0].steps[2].windowDays</c>) and the reason.</summary>
    public IReadOnlyList<DefinitionProblem> Problems()
    {
        var problems = new List<DefinitionProblem>();
        void Add(string path, string reason) => problems.Add(new DefinitionProblem(path, reason));
        if (string.IsNullOrWhiteSpace(SignupEvent))
        {
            Add("signupEvent", "must name an event");
        }
        if (string.IsNullOrWhiteSpace(ExperimentEvent))
        {
            Add("experimentEvent", "must name an event");
        }
        if (Funnels.Count == 0)
        {
            Add("funnels", "at least one funnel is required");
        }
        for (var j = 0; TrackingPlan is not null && j < TrackingPlan.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(TrackingPlan[j]))
            {
                Add($"trackingPlan[{j}]", "every entry must be a non-empty event name");
            }
        }
        for (var f = 0; f < Funnels.Count; f++)
        {
            var at = $"funnels[{f}]";
            if (Funnels[f] is not { } funnel)
            {
                Add(at, "must be an object");
                continue;
            }
            if (string.IsNullOrWhiteSpace(funnel.Name))
            {
                Add($"{at}.name", "every funnel needs a name");
            }
            if (funnel.Steps is null || funnel.Steps.Count < 2)
            {
                Add($"{at}.steps", $"funnel '{funnel.Name}': needs at least two steps");
                continue;
            }
            for (var k = 0; k < funnel.Steps.Count; k++)
            {
                var step = funnel.Steps[k];
                var stepAt = $"{at}.steps[{k}]";
                if (step is null)
                {
                    Add(stepAt, "must be an object");
                    continue;
                }
                if (string.IsNullOrWhiteSpace(step.Event))
                {
                    Add($"{stepAt}.event", "every step needs an event name");
                }
                if ((step.Property is null) != (step.EqualsValue is null))
                {
                    Add($"{stepAt}.{(step.Property is null ? "property" : "equals")}", "a step filter needs both property and equals");
                }
                if (k == 0 && step.WindowDays is not null)
                {
                    Add($"{stepAt}.windowDays", $"funnel '{funnel.Name}': the first step has no window");
                }
                if (k > 0 && step.WindowDays is not (> 0 and <= 40))
                {
                    Add($"{stepAt}.windowDays", $"step '{step.Name}': windowDays must be 1 to 40");
                }
                DisplayLabels.Validate(stepAt, step.Labels, problems);
            }
        }
        if (Survey is not null)
        {
            if (string.IsNullOrWhiteSpace(Survey.Event))
            {
                Add("survey.event", "must name the event that carries a survey answer, e.g. Survey Answered");
            }
            if (string.IsNullOrWhiteSpace(Survey.ScoreProperty))
            {
                Add("survey.scoreProperty", "must name the property holding the 0-10 score, e.g. score");
            }
        }
        if (SessionGapMinutes is < 1 or > SessionMetric.MaxGapMinutes)
        {
            Add("sessionGapMinutes", $"must be a whole number of minutes from 1 to {SessionMetric.MaxGapMinutes} (default {SessionMetric.DefaultGapMinutes})");
        }
        for (var i = 0; Features is not null && i < Features.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Features[i]) || Features.Take(i).Contains(Features[i], StringComparer.Ordinal))
            {
                Add($"features[{i}]", "every feature must be a distinct, non-empty event name");
            }
        }
        for (var i = 0; Touches is not null && i < Touches.Count; i++)
        {
            var at = $"touches[{i}]";
            if (Touches[i] is not { } touch)
            {
                Add(at, "must be an object");
                continue;
            }
            if (string.IsNullOrWhiteSpace(touch.Channel) || Touches.Take(i).Any(t => t?.Channel == touch.Channel))
            {
                Add($"{at}.channel", "every touch channel needs a distinct name, e.g. push");
            }
            if (string.IsNullOrWhiteSpace(touch.Sent))
            {
                Add($"{at}.sent", "must name the event of a message reaching the person");
            }
            if (string.IsNullOrWhiteSpace(touch.Opened) || touch.Opened == touch.Sent)
            {
                Add($"{at}.opened", "must name the event of a message opened, not the sent one");
            }
            if (touch.WeeklyCap is < 1 or > 1000)
            {
                Add($"{at}.weeklyCap", "must be 1 to 1000 messages a week");
            }
        }
        foreach (var (audience, action) in AudienceActions ?? new Dictionary<string, IReadOnlyDictionary<string, string>>())
        {
            var at = $"audienceActions.{audience}";
            if (!AudienceMetric.Names.Contains(audience, StringComparer.Ordinal))
            {
                Add(at, $"is not an audience; the audiences are {string.Join(", ", AudienceMetric.Names)}");
                continue;
            }
            foreach (var (language, text) in action ?? new Dictionary<string, string>())
            {
                if (string.IsNullOrWhiteSpace(language) || string.IsNullOrWhiteSpace(text) || text.Length > 500)
                {
                    Add($"{at}.{language}", "must map a language (e.g. \"zh-CN\", \"en\") to a suggested action of 1 to 500 characters");
                }
            }
        }
        AddTargetProblems(problems);
        ExperimentDefinition.Validate(Experiments, Funnels.Count > 0 ? Funnels[0] : null, problems);
        return problems;
    }

    /// <summary>Every target's problem, each naming its path (<c>targets[2].better</c>) and the reason.</summary>
    private void AddTargetProblems(List<DefinitionProblem> problems)
    {
        for (var i = 0; Targets is not null && i < Targets.Count; i++)
        {
            var at = $"targets[{i}]";
            if (Targets[i] is not { } target)
            {
                problems.Add(new(at, "must be an object"));
                continue;
            }
            if (string.IsNullOrWhiteSpace(target.Figure))
            {
                problems.Add(new($"{at}.figure", "must name a figure's path in report.json, e.g. money.payingConversion"));
            }
            else if (FigurePath.Problem(target.Figure) is { } problem)
            {
                problems.Add(new($"{at}.figure", problem));
            }
            if (target.Target is not { } value || !double.IsFinite(value))
            {
                problems.Add(new($"{at}.target", "must be a number"));
            }
            if (target.Better is not (TargetDefinition.Higher or TargetDefinition.Lower))
            {
                problems.Add(new($"{at}.better", $"must be \"{TargetDefinition.Higher}\" or \"{TargetDefinition.Lower}\""));
            }
            if (target.Amber is { } amber && (!double.IsFinite(amber) || amber < 0))
            {
                problems.Add(new($"{at}.amber", "must be a number 0 or more"));
            }
            DisplayLabels.Validate(at, target.Labels, problems);
        }
    }
}
