using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>活动效果: the window's conversions by campaign and by channel under both attribution models, and what neither credits.</summary>
public sealed record CampaignsReport(
    [property: JsonPropertyName("windowDays")] int WindowDays,
    [property: JsonPropertyName("attributionDays")] int AttributionDays,
    [property: JsonPropertyName("campaigns")] IReadOnlyList<CampaignReport> Campaigns,
    [property: JsonPropertyName("channels")] IReadOnlyList<CampaignChannelReport> Channels,
    [property: JsonPropertyName("notAttributed")] CampaignModels NotAttributed);

/// <summary>One campaign (source, medium, name; a part the events never gave is null) and its spend over the window where the spend table names it.</summary>
public sealed record CampaignReport(
    [property: JsonPropertyName("source")] string? Source,
    [property: JsonPropertyName("medium")] string? Medium,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("firstTouch")] CampaignConversions FirstTouch,
    [property: JsonPropertyName("lastTouch")] CampaignConversions LastTouch,
    [property: JsonPropertyName("spend")] decimal? Spend);

/// <summary>A channel's campaigns added up (every campaign with that source), against the channel's whole spend over the window.</summary>
public sealed record CampaignChannelReport(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("firstTouch")] CampaignConversions FirstTouch,
    [property: JsonPropertyName("lastTouch")] CampaignConversions LastTouch,
    [property: JsonPropertyName("spend")] decimal? Spend);

public sealed record CampaignModels(
    [property: JsonPropertyName("firstTouch")] CampaignConversions FirstTouch,
    [property: JsonPropertyName("lastTouch")] CampaignConversions LastTouch);

/// <summary>What one model credits: persons first seen, signups, first purchases, revenue, and ROI = (revenue − spend) / spend where spend is known.</summary>
public sealed record CampaignConversions(
    [property: JsonPropertyName("newPersons")] long NewPersons,
    [property: JsonPropertyName("signups")] long Signups,
    [property: JsonPropertyName("firstPurchases")] long FirstPurchases,
    [property: JsonPropertyName("revenue")] decimal Revenue,
    [property: JsonPropertyName("roi")] double? Roi);
