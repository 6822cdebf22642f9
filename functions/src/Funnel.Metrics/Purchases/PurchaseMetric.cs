using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 首购→复购 and 付费用户: everything anchored on a person's first-ever purchase (signed up or not, however long after
/// signup): the purchase funnel (a repurchase within 7 and within 30 × 24 h of the first purchase, both measured from it),
/// new payers, payer retention (active on calendar day 1, 7 and 30 after the first purchase's day), and 订单量/GMV/客单价 per
/// day and over 30 days by first-touch channel and platform. It reads only <see cref="PersonState.Purchases"/> and the active days.
/// </summary>
public static class PurchaseMetric
{
    /// <summary>First-purchase cohorts of the newest 40 days enter the report, as funnel cohorts do.</summary>
    public const int CohortDays = FunnelMetric.CohortDays;

    /// <summary>The repurchase windows, in days of 24 h from the first purchase; a repurchase exactly at the edge is within.</summary>
    public static readonly int[] RepurchaseDays = [7, 30];

    /// <summary>Payer retention reads activity on these calendar days after the first purchase's day.</summary>
    public static readonly int[] RetentionDays = [1, 7, 30];

    /// <summary>Orders and GMV are summed over the day and over the 30 days ending on it.</summary>
    public const int OrderDays = 30;

    /// <summary>A step's pooled rate reads the newest this many cohorts whose window has closed, as the funnel's mature conversion does.</summary>
    public const int MatureCohorts = 7;

    private const long DayMs = 86_400_000;

    internal static void Count(PersonState person, CountingDay day, PurchaseFigures figures)
    {
        var purchases = person.Purchases;
        if (purchases.Count == 0 || day.DayOf(purchases[0].At) is var firstDay && firstDay > day.Day)
        {
            return;
        }
        var d = day.Day;
        CountOrders(person, day, figures);
        figures.NewPayers[0] += firstDay == d ? 1 : 0;
        figures.NewPayers[1] += firstDay > d - 7 ? 1 : 0;
        figures.NewPayers[2] += firstDay > d - OrderDays ? 1 : 0;
        if (firstDay <= d - CohortDays)
        {
            return;
        }
        var cohort = figures.Cohorts.GetOrAdd(firstDay, static () => new PurchaseCohortFigures());
        cohort.Size++;
        if (purchases.Count > 1 && day.DayOf(purchases[1].At) <= d)
        {
            var after = purchases[1].At - purchases[0].At;
            for (var i = 0; i < RepurchaseDays.Length; i++)
            {
                cohort.Repurchased[i] += after <= RepurchaseDays[i] * DayMs ? 1 : 0;
            }
        }
        for (var i = 0; i < RetentionDays.Length; i++)
        {
            var on = firstDay + RetentionDays[i];
            cohort.ActiveOn[i] += on <= d && person.ActiveDays.BinarySearch(on) >= 0 ? 1 : 0;
        }
    }

    private static void CountOrders(PersonState person, CountingDay day, PurchaseFigures figures)
    {
        var d = day.Day;
        OrderFigures? channel = null, platform = null;
        for (var i = person.Purchases.Count - 1; i >= 0; i--)
        {
            var (at, revenue) = person.Purchases[i];
            var purchaseDay = day.DayOf(at);
            if (purchaseDay <= d - OrderDays)
            {
                break;
            }
            if (purchaseDay > d)
            {
                continue;
            }
            channel ??= figures.ByChannel.GetOrAdd(person.ChannelOrDirect, static () => new OrderFigures());
            platform ??= figures.ByPlatform.GetOrAdd(person.PlatformOrUnknown, static () => new OrderFigures());
            foreach (var into in (ReadOnlySpan<OrderFigures>)[figures.All, channel, platform])
            {
                into.Add(revenue, purchaseDay == d);
            }
        }
    }

    public static PurchasesReport Report(PurchaseFigures figures, int d)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var cohorts = figures.Cohorts.Where(c => c.Key > d - CohortDays && c.Key <= d && c.Value.Size > 0).ToList();
        var funnelCohorts = cohorts.Select(c => new PurchaseCohortReport(
            ReportNumbers.Day(c.Key),
            c.Value.Size,
            Within(c.Value.Repurchased[0], c.Value.Size, c.Key + RepurchaseDays[0] <= d),
            Within(c.Value.Repurchased[1], c.Value.Size, c.Key + RepurchaseDays[1] <= d))).ToList();
        var retention = cohorts.Select(c =>
        {
            double? On(int i) => c.Key + RetentionDays[i] <= d ? ReportNumbers.Rate(c.Value.ActiveOn[i], c.Value.Size) : null;
            return new PayerRetentionCohort(ReportNumbers.Day(c.Key), c.Value.Size, On(0), On(1), On(2),
                c.Key + RepurchaseDays[1] <= d ? ReportNumbers.Rate(c.Value.Repurchased[1], c.Value.Size) : null);
        }).ToList();
        return new PurchasesReport(
            new PurchaseFunnelReport(funnelCohorts, Pooled(cohorts, 0, d), Pooled(cohorts, 1, d)),
            new NewPayersReport(figures.NewPayers[0], figures.NewPayers[1], figures.NewPayers[2]),
            retention,
            new OrdersReport(
                figures.All.Day(), figures.All.Month(),
                figures.ByChannel.Select(x => new OrderBreakdownRow(x.Key, x.Value.Day(), x.Value.Month())).ToList(),
                figures.ByPlatform.Select(x => new OrderBreakdownRow(x.Key, x.Value.Day(), x.Value.Month())).ToList()));
    }

    private static RepurchaseStep Within(long count, long size, bool mature) => new(count, ReportNumbers.Rate(count, size), mature);

    /// <summary>The newest <see cref="MatureCohorts"/> cohorts whose window <paramref name="window"/> has closed, pooled; null rate when none has.</summary>
    private static MatureRepurchase Pooled(List<KeyValuePair<int, PurchaseCohortFigures>> cohorts, int window, int d)
    {
        var mature = cohorts.Where(c => c.Key + RepurchaseDays[window] <= d).TakeLast(MatureCohorts).ToList();
        if (mature.Count == 0)
        {
            return new MatureRepurchase(null, null, 0, 0, null);
        }
        var size = mature.Sum(c => c.Value.Size);
        var repurchased = mature.Sum(c => c.Value.Repurchased[window]);
        return new MatureRepurchase(ReportNumbers.Day(mature[0].Key), ReportNumbers.Day(mature[^1].Key), size, repurchased, ReportNumbers.Rate(repurchased, size));
    }
}

/// <summary>The purchase figures of a shard: first-purchase cohorts, new payers of the day/7/30 days, and order totals.</summary>
public sealed class PurchaseFigures
{
    [JsonPropertyName("cohorts")]
    public SortedDictionary<int, PurchaseCohortFigures> Cohorts { get; init; } = new();

    /// <summary>First purchases on the day, in the 7 days and in the 30 days ending on it.</summary>
    [JsonPropertyName("newPayers")]
    public long[] NewPayers { get; set; } = new long[3];

    [JsonPropertyName("all")]
    public OrderFigures All { get; init; } = new();

    [JsonPropertyName("byChannel")]
    public SortedDictionary<string, OrderFigures> ByChannel { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("byPlatform")]
    public SortedDictionary<string, OrderFigures> ByPlatform { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(PurchaseFigures other)
    {
        foreach (var (day, cohort) in other.Cohorts)
        {
            var into = Cohorts.GetOrAdd(day, static () => new PurchaseCohortFigures());
            into.Size += cohort.Size;
            into.Repurchased = FigureCounts.AddInto(into.Repurchased, cohort.Repurchased);
            into.ActiveOn = FigureCounts.AddInto(into.ActiveOn, cohort.ActiveOn);
        }
        NewPayers = FigureCounts.AddInto(NewPayers, other.NewPayers);
        All.Merge(other.All);
        foreach (var (name, orders) in other.ByChannel)
        {
            ByChannel.GetOrAdd(name, static () => new OrderFigures()).Merge(orders);
        }
        foreach (var (name, orders) in other.ByPlatform)
        {
            ByPlatform.GetOrAdd(name, static () => new OrderFigures()).Merge(orders);
        }
    }
}

public sealed class PurchaseCohortFigures
{
    [JsonPropertyName("size")]
    public long Size { get; set; }

    /// <summary>Per window of <see cref="PurchaseMetric.RepurchaseDays"/>: persons who bought again within it.</summary>
    [JsonPropertyName("repurchased")]
    public long[] Repurchased { get; set; } = new long[2];

    /// <summary>Per day of <see cref="PurchaseMetric.RetentionDays"/>: persons active on it.</summary>
    [JsonPropertyName("activeOn")]
    public long[] ActiveOn { get; set; } = new long[3];
}

/// <summary>Orders and GMV (ten-thousandths) on the report day and over the 30 days ending on it.</summary>
public sealed class OrderFigures
{
    [JsonPropertyName("dayOrders")]
    public long DayOrders { get; set; }

    [JsonPropertyName("dayGmv4")]
    public long DayGmv4 { get; set; }

    [JsonPropertyName("orders")]
    public long Orders { get; set; }

    [JsonPropertyName("gmv4")]
    public long Gmv4 { get; set; }

    internal void Add(long revenue4, bool onTheDay)
    {
        Orders++;
        Gmv4 += revenue4;
        if (onTheDay)
        {
            DayOrders++;
            DayGmv4 += revenue4;
        }
    }

    internal void Merge(OrderFigures other)
    {
        DayOrders += other.DayOrders;
        DayGmv4 += other.DayGmv4;
        Orders += other.Orders;
        Gmv4 += other.Gmv4;
    }

    internal OrderTotals Day() => OrderTotals.Of(DayOrders, DayGmv4);

    internal OrderTotals Month() => OrderTotals.Of(Orders, Gmv4);
}
