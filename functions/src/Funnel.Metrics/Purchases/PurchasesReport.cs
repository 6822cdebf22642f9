using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>首购→复购, 新增付费用户, 付费用户留存 and 订单量/GMV/客单价: the figures anchored on first purchases and orders.</summary>
public sealed record PurchasesReport(
    [property: JsonPropertyName("funnel")] PurchaseFunnelReport Funnel,
    [property: JsonPropertyName("newPayers")] NewPayersReport NewPayers,
    [property: JsonPropertyName("payerRetention")] IReadOnlyList<PayerRetentionCohort> PayerRetention,
    [property: JsonPropertyName("orders")] OrdersReport Orders);

/// <summary>首购后7日/30日复购率: per first-purchase day, and pooled over the newest mature cohorts of each window.</summary>
public sealed record PurchaseFunnelReport(
    [property: JsonPropertyName("cohorts")] IReadOnlyList<PurchaseCohortReport> Cohorts,
    [property: JsonPropertyName("within7")] MatureRepurchase Within7,
    [property: JsonPropertyName("within30")] MatureRepurchase Within30);

public sealed record PurchaseCohortReport(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("firstPurchases")] long FirstPurchases,
    [property: JsonPropertyName("within7")] RepurchaseStep Within7,
    [property: JsonPropertyName("within30")] RepurchaseStep Within30);

/// <summary>Persons of a cohort who bought again within the window; <see cref="Mature"/> once every member has had the whole window.</summary>
public sealed record RepurchaseStep(
    [property: JsonPropertyName("count")] long Count,
    [property: JsonPropertyName("rate")] double Rate,
    [property: JsonPropertyName("mature")] bool Mature);

/// <summary>The newest cohorts whose window has closed (from <see cref="From"/> to <see cref="To"/>), pooled; nulls when none has.</summary>
public sealed record MatureRepurchase(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("firstPurchases")] long FirstPurchases,
    [property: JsonPropertyName("repurchased")] long Repurchased,
    [property: JsonPropertyName("rate")] double? Rate);

/// <summary>新增付费用户: persons whose first-ever purchase was on the report day, in the 7 and in the 30 days ending on it.</summary>
public sealed record NewPayersReport(
    [property: JsonPropertyName("day")] long Day,
    [property: JsonPropertyName("last7")] long Last7,
    [property: JsonPropertyName("last30")] long Last30);

/// <summary>付费用户留存 of a first-purchase cohort: active on calendar day 1/7/30 after it, bought again within 30 days; null until observable.</summary>
public sealed record PayerRetentionCohort(
    [property: JsonPropertyName("day")] string Day,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("d1")] double? D1,
    [property: JsonPropertyName("d7")] double? D7,
    [property: JsonPropertyName("d30")] double? D30,
    [property: JsonPropertyName("repurchase30")] double? Repurchase30);

/// <summary>订单量, GMV and 客单价 (GMV per order, to the cent; 0 without orders).</summary>
public sealed record OrderTotals(
    [property: JsonPropertyName("orders")] long Orders,
    [property: JsonPropertyName("gmv")] decimal Gmv,
    [property: JsonPropertyName("aov")] decimal Aov)
{
    internal static OrderTotals Of(long orders, long gmv4) =>
        new(orders, gmv4 / ReportNumbers.MoneyUnit, ReportNumbers.PerPerson(gmv4 / ReportNumbers.MoneyUnit, orders));
}

public sealed record OrderBreakdownRow(
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("day")] OrderTotals Day,
    [property: JsonPropertyName("last30")] OrderTotals Last30);

/// <summary>Orders of the report day and of the 30 days ending on it, in all and by the buyer's first-touch channel and platform.</summary>
public sealed record OrdersReport(
    [property: JsonPropertyName("day")] OrderTotals Day,
    [property: JsonPropertyName("last30")] OrderTotals Last30,
    [property: JsonPropertyName("byChannel")] IReadOnlyList<OrderBreakdownRow> ByChannel,
    [property: JsonPropertyName("byPlatform")] IReadOnlyList<OrderBreakdownRow> ByPlatform);
