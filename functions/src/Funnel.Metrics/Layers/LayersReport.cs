using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>分层 as of the report day; purchase conversion is the share of each layer that paid in the last 30 days.</summary>
public sealed record LayersReport(
    [property: JsonPropertyName("new")] long New,
    [property: JsonPropertyName("active")] long Active,
    [property: JsonPropertyName("highValue")] long HighValue,
    [property: JsonPropertyName("dormant")] long Dormant,
    [property: JsonPropertyName("activeNeverPaid")] long ActiveNeverPaid,
    [property: JsonPropertyName("purchaseConversion")] LayerConversion PurchaseConversion);

public sealed record LayerConversion(
    [property: JsonPropertyName("new")] double New,
    [property: JsonPropertyName("active")] double Active,
    [property: JsonPropertyName("activeNeverPaid")] double ActiveNeverPaid);
