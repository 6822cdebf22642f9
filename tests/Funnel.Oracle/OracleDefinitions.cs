namespace Funnel.Oracle;

/// <summary>A funnel step as the oracle reads it: track events named <paramref name="Event"/>, optionally with a property equal to a value.</summary>
public sealed record OracleStep(string Event, int? WindowDays, string? Label = null, string? Property = null, string? EqualsValue = null);

public sealed record OracleFunnel(string Name, IReadOnlyList<OracleStep> Steps);

/// <summary>The oracle's own copy of the metric definitions; tests map the engine's definitions onto it.</summary>
public sealed record OracleDefinitions(
    IReadOnlyList<OracleFunnel> Funnels,
    string SignupEvent,
    string PurchaseEvent,
    string ExperimentEvent,
    int ExperimentConversionStep,
    string ControlVariant,
    string Currency,
    IReadOnlyDictionary<string, decimal> ChannelDailyCosts,
    IReadOnlyList<string>? TrackingPlan = null,
    IReadOnlyList<OracleSpend>? Spend = null,
    string SurveyEvent = "Survey Answered",
    string SurveyScoreProperty = "score",
    IReadOnlyList<OracleExperiment>? Experiments = null,
    IReadOnlyList<OracleAudience>? Audiences = null,
    IReadOnlyList<string>? Features = null,
    IReadOnlyList<OracleTouch>? Touches = null,
    int SessionGapMinutes = 30)
{
    /// <summary>The audiences in report order with their suggested action by language (configuration, passed in as the report shows it).</summary>
    public IReadOnlyList<OracleAudience> AudienceActions => Audiences ?? [];
}

/// <summary>A touch channel: the events of a message sent and opened, and how many a person may get a week.</summary>
public sealed record OracleTouch(string Channel, string Sent, string Opened, int WeeklyCap);

/// <summary>An audience the report lists, and the action it suggests by language.</summary>
public sealed record OracleAudience(string Name, IReadOnlyDictionary<string, string> Action);

/// <summary>An experiment as configured: intended exposure weights per variant (even when null) and the names of the first funnel's steps it tests (every later step when null).</summary>
public sealed record OracleExperiment(string Name, IReadOnlyDictionary<string, double>? Shares, IReadOnlyList<string>? Steps);

/// <summary>A row of the spend table: what a channel cost on a day; with a campaign name, what that campaign of the channel cost (part of the channel's cost).</summary>
public sealed record OracleSpend(DateOnly Day, string Channel, decimal Amount, string? Campaign = null);

/// <summary>What identifies a report rather than measures anything: passed in, copied to the report as is.</summary>
public sealed record ReportIdentity(string GeneratedAt, string DefinitionsHash, string EngineVersion, bool Provisional = false);
