using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>不同渠道/平台: a block's rows by the persons' first-touch channel and by their first-touch platform, values in ordinal order.</summary>
public sealed record ByFirstTouch<TRow>(
    [property: JsonPropertyName("channel")] IReadOnlyList<TRow> Channel,
    [property: JsonPropertyName("platform")] IReadOnlyList<TRow> Platform);
