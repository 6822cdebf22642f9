using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 分层 user layers as of the report day, and each layer's purchase conversion ("paid": a purchase in the 30
/// days ending on the report day). 中腰部 (active, never paid) means active in those 30 days with no purchase
/// before them; high value is the top 20% of payers by 90-day revenue.
/// </summary>
public static class LayerMetric
{
    /// <summary>New: signed up in the 7 days ending on the report day.</summary>
    public const int NewDays = 7;

    /// <summary>Active: any activity in the 30 days ending on the report day (else dormant); also the "paid" window.</summary>
    public const int ActiveDays = 30;

    /// <summary>High value ranks payers by their revenue over these days.</summary>
    public const int HighValueRevenueDays = 90;

    /// <summary>The share of payers that is high value (ties at the boundary included).</summary>
    public const double HighValueShare = 0.2;

    /// <summary>Counts the person and returns the layers they are in, for the audiences that list those layers.</summary>
    internal static LayerMembership Count(PersonState person, CountingDay day, LayerFigures figures)
    {
        var d = day.Day;
        if (person.LatestActiveDayBy(d) is not { } latest)
        {
            return LayerMembership.None;
        }
        bool paidIn30 = false, paidBefore = false, paidInRevenueWindow = false;
        long revenue = 0;
        foreach (var (at, amount) in person.Purchases)
        {
            var purchaseDay = day.DayOf(at);
            if (purchaseDay > d)
            {
                continue;
            }
            paidIn30 |= purchaseDay > d - ActiveDays;
            paidBefore |= purchaseDay <= d - ActiveDays;
            if (purchaseDay > d - HighValueRevenueDays)
            {
                paidInRevenueWindow = true;
                revenue += amount;
            }
        }
        var signupDay = person.SignupAt == long.MaxValue ? int.MinValue : day.DayOf(person.SignupAt);
        var active = latest > d - ActiveDays;
        var isNew = signupDay <= d && signupDay > d - NewDays;
        figures.New.Add(isNew, paidIn30);
        figures.Active.Add(active, paidIn30);
        figures.Dormant.Add(!active, paidIn30);
        figures.ActiveNeverPaid.Add(active && !paidBefore, paidIn30);
        if (paidInRevenueWindow)
        {
            figures.PayerRevenue90.Add(Revenue90(revenue));
        }
        return new LayerMembership(isNew ? signupDay : null, active && !paidBefore ? latest : null, paidInRevenueWindow ? revenue : null);
    }

    /// <summary>A payer's 90-day revenue as the high-value threshold compares it (currency units).</summary>
    public static double Revenue90(long revenue4) => revenue4 / (double)ReportNumbers.MoneyUnit;

    /// <summary>The top <see cref="HighValueShare"/> of the payers' 90-day revenues: the smallest that is high value (ties at it included); null without payers.</summary>
    public static double? HighValueThreshold(IReadOnlyCollection<double> revenue90) =>
        revenue90.Count == 0 ? null : revenue90.OrderDescending().ElementAt((int)Math.Ceiling(HighValueShare * revenue90.Count) - 1);

    public static LayersReport Report(LayerFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        var revenue90 = figures.PayerRevenue90;
        var highValue = HighValueThreshold(revenue90) is { } threshold ? revenue90.Count(v => v >= threshold) : 0;
        return new LayersReport(figures.New.Persons, figures.Active.Persons, highValue, figures.Dormant.Persons, figures.ActiveNeverPaid.Persons,
            new LayerConversion(figures.New.Conversion, figures.Active.Conversion, figures.ActiveNeverPaid.Conversion));
    }
}

/// <summary>The layers a person is in as of the report day: new (their signup day), active and never paid (their last active day), a 90-day payer (that revenue, ten-thousandths).</summary>
internal readonly record struct LayerMembership(int? NewSince, int? ActiveNeverPaidUntil, long? Revenue90)
{
    public static LayerMembership None => default;
}

public sealed class LayerFigures
{
    [JsonPropertyName("new")]
    public LayerCount New { get; init; } = new();

    [JsonPropertyName("active")]
    public LayerCount Active { get; init; } = new();

    [JsonPropertyName("dormant")]
    public LayerCount Dormant { get; init; } = new();

    [JsonPropertyName("activeNeverPaid")]
    public LayerCount ActiveNeverPaid { get; init; } = new();

    /// <summary>Each payer's revenue over the last 90 days (currency units), for the high-value threshold.</summary>
    [JsonPropertyName("payerRevenue90")]
    public List<double> PayerRevenue90 { get; init; } = [];

    internal void Merge(LayerFigures other)
    {
        New.Merge(other.New);
        Active.Merge(other.Active);
        Dormant.Merge(other.Dormant);
        ActiveNeverPaid.Merge(other.ActiveNeverPaid);
        PayerRevenue90.AddRange(other.PayerRevenue90);
    }
}

/// <summary>Persons in a layer, and how many of them paid in the last 30 days.</summary>
public sealed class LayerCount
{
    [JsonPropertyName("persons")]
    public long Persons { get; set; }

    [JsonPropertyName("paid")]
    public long Paid { get; set; }

    [JsonIgnore]
    public double Conversion => ReportNumbers.Rate(Paid, Persons);

    internal void Add(bool member, bool paid)
    {
        if (member)
        {
            Persons++;
            Paid += paid ? 1 : 0;
        }
    }

    internal void Merge(LayerCount other)
    {
        Persons += other.Persons;
        Paid += other.Paid;
    }
}
