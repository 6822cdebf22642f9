using Funnel.Metrics;
using Funnel.Oracle;

namespace Funnel.Testing;

/// <summary>The engine's definitions in the independent oracle's own terms: the one place the two meet, and test code.</summary>
public static class OracleMapping
{
    /// <summary>The definitions, and the spend table's rows when the reports read one.</summary>
    public static OracleDefinitions For(MetricDefinitions definitions, IEnumerable<SpendRow>? spend = null)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return new(
            definitions.Funnels.Select(f => new OracleFunnel(f.Name, f.Steps.Select(s => new OracleStep(s.Event, s.WindowDays, s.Label, s.Property, s.EqualsValue)).ToList())).ToList(),
            definitions.SignupEvent,
            definitions.PurchaseEvent,
            definitions.ExperimentEvent,
            definitions.ExperimentConversionStep,
            definitions.ControlVariant,
            definitions.Currency,
            definitions.ChannelDailyCosts ?? new Dictionary<string, decimal>(),
            definitions.TrackingPlan,
            spend?.Select(r => new OracleSpend(r.Day, r.Channel, r.Amount, r.Campaign)).ToList(),
            definitions.SurveyInForce.Event,
            definitions.SurveyInForce.ScoreProperty,
            definitions.Experiments?.Select(e => new OracleExperiment(e.Name, e.Shares, e.Steps)).ToList(),
            // Which audiences there are and what each suggests is configuration, not a figure: taken as the engine resolves it.
            AudienceMetric.ActionsFor(definitions).Select(a => new OracleAudience(a.Key, a.Value)).OrderBy(a => Array.IndexOf(AudienceMetric.Names, a.Name)).ToList(),
            definitions.FeaturesInForce,
            definitions.TouchesInForce.Select(c => new OracleTouch(c.Channel, c.Sent, c.Opened, c.WeeklyCap)).ToList(),
            (int)(definitions.SessionGapMs / 60_000));
    }
}
