namespace Funnel.Domain.Reports;

/// <summary>The figures of a report that trend lines and notifications carry, by stable name.</summary>
public static class HeadlineFigures
{
    /// <summary>Every headline figure's name, as the DailyMetrics table and the metrics API know them.</summary>
    public static readonly string[] Names =
    [
        "events.folded", "activity.dau", "activity.wau", "activity.mau", "activity.stickiness", "activity.newPersons",
        "activity.returning", "activity.resurrected", "money.payingPersons", "money.payingConversion", "money.revenue", "money.arpu",
    ];

    public static IReadOnlyDictionary<string, double> Of(DailyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var figures = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["events.folded"] = report.Events.Folded,
            ["activity.dau"] = report.Activity.Dau,
            ["activity.wau"] = report.Activity.Wau,
            ["activity.mau"] = report.Activity.Mau,
            ["activity.stickiness"] = report.Activity.Stickiness,
            ["activity.newPersons"] = report.Activity.NewPersons,
            ["activity.returning"] = report.Activity.Returning,
            ["activity.resurrected"] = report.Activity.Resurrected,
            ["money.payingPersons"] = report.Money.PayingPersons,
            ["money.payingConversion"] = report.Money.PayingConversion,
            ["money.revenue"] = (double)report.Money.Revenue,
            ["money.arpu"] = (double)report.Money.Arpu,
        };
        return figures;
    }
}
