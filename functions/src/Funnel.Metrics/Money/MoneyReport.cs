using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>付费: paying persons and revenue over the 30 days ending on the report day; conversion and ARPU over MAU.</summary>
public sealed record MoneyReport(
    [property: JsonPropertyName("payingPersons")] long PayingPersons,
    [property: JsonPropertyName("payingConversion")] double PayingConversion,
    [property: JsonPropertyName("revenue")] decimal Revenue,
    [property: JsonPropertyName("arpu")] decimal Arpu,
    [property: JsonPropertyName("arppu")] decimal Arppu,
    [property: JsonPropertyName("channels")] IReadOnlyList<ChannelEconomics> Channels);

/// <summary>
/// 拉新成本 per channel with a configured daily cost: new persons, new signups and cost over the last 30 days, CAC per signup,
/// and the average first-90-day revenue of persons acquired 90-119 days ago (null until such a month exists).
/// </summary>
public sealed record ChannelEconomics(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("newPersons")] long NewPersons,
    [property: JsonPropertyName("newSignups")] long NewSignups,
    [property: JsonPropertyName("cost")] decimal Cost,
    [property: JsonPropertyName("cac")] decimal? Cac,
    [property: JsonPropertyName("ltv90")] decimal? Ltv90,
    [property: JsonPropertyName("ltvToCac")] double? LtvToCac);
