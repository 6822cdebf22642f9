using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>用户生命周期 as of the report day: stage counts, transitions from the day before, one KPI per stage.</summary>
public sealed record LifecycleReport(
    [property: JsonPropertyName("stages")] LifecycleStages Stages,
    [property: JsonPropertyName("transitions")] IReadOnlyList<LifecycleTransition> Transitions,
    [property: JsonPropertyName("kpis")] LifecycleKpis Kpis,
    [property: JsonPropertyName("breakdowns")] ByFirstTouch<StageBreakdownRow> Breakdowns);

public sealed record StageBreakdownRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("stages")] LifecycleStages Stages);

public sealed record LifecycleStages(
    [property: JsonPropertyName("potential")] long Potential,
    [property: JsonPropertyName("new")] long New,
    [property: JsonPropertyName("growing")] long Growing,
    [property: JsonPropertyName("mature")] long Mature,
    [property: JsonPropertyName("churnWarning")] long ChurnWarning,
    [property: JsonPropertyName("churned")] long Churned);

/// <summary>Persons in <see cref="From"/> as of the day before (<c>none</c>: not seen yet) and in <see cref="To"/> as of the report day.</summary>
public sealed record LifecycleTransition(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("persons")] long Persons);

/// <summary>One KPI per stage as the operations reports name them; the last four were added with purchases (CAC, NPS, LTV since signup).</summary>
public sealed record LifecycleKpis(
    [property: JsonPropertyName("potentialSignupRate7")] double PotentialSignupRate7,
    [property: JsonPropertyName("newD1")] double NewD1,
    [property: JsonPropertyName("matureRevenue90")] decimal MatureRevenue90,
    [property: JsonPropertyName("saveRate7")] double SaveRate7,
    [property: JsonPropertyName("reactivationRate7")] double ReactivationRate7,
    [property: JsonPropertyName("potentialCac")] decimal? PotentialCac,
    [property: JsonPropertyName("growingNps")] double? GrowingNps,
    [property: JsonPropertyName("npsRespondents")] long NpsRespondents,
    [property: JsonPropertyName("matureLtv")] decimal MatureLtv);
