namespace Funnel.Reports;

/// <summary>The figures of a report that trend lines and notifications carry, by stable name.</summary>
public static class HeadlineFigures
{
    private static readonly (string Name, Func<DailyReport, double> Value)[] Figures =
    [
        ("events.folded", r => r.Events.Folded),
        ("activity.dau", r => r.Activity.Dau),
        ("activity.wau", r => r.Activity.Wau),
        ("activity.mau", r => r.Activity.Mau),
        ("activity.stickiness", r => r.Activity.Stickiness),
        ("activity.newPersons", r => r.Activity.NewPersons),
        ("activity.returning", r => r.Activity.Returning),
        ("activity.resurrected", r => r.Activity.Resurrected),
        ("money.payingPersons", r => r.Money.PayingPersons),
        ("money.payingConversion", r => r.Money.PayingConversion),
        ("money.revenue", r => (double)r.Money.Revenue),
        ("money.arpu", r => (double)r.Money.Arpu),
        ("sessions.all.secondsPerActivePerson", r => r.Sessions.All.SecondsPerActivePerson),
        ("purchases.newPayers.day", r => r.Purchases.NewPayers.Day),
        ("purchases.orders.day.orders", r => r.Purchases.Orders.Day.Orders),
        ("purchases.orders.day.gmv", r => (double)r.Purchases.Orders.Day.Gmv),
        ("purchases.orders.day.aov", r => (double)r.Purchases.Orders.Day.Aov),
        ("dataQuality.reusedMessageIds", r => r.DataQuality.Uniqueness.ReusedMessageIds),
    ];

    /// <summary>Every headline figure's name, as the DailyMetrics table and the metrics API know them.</summary>
    public static readonly string[] Names = [.. Figures.Select(f => f.Name)];

    public static IReadOnlyDictionary<string, double> Of(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new SortedDictionary<string, double>(Figures.ToDictionary(f => f.Name, f => f.Value(report)), StringComparer.Ordinal);
    }
}
