using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 付费 money over the 30 days ending on the report day (paying persons, revenue, ARPU over MAU), and 拉新
/// channel economics: new persons and new signups by first-touch channel, the cost per signup (CAC), and the first-90-day revenue
/// of persons acquired 90-119 days ago (LTV).
/// </summary>
public static class MoneyMetric
{
    /// <summary>Paying persons and revenue over the 30 days ending on the report day, like MAU.</summary>
    public const int PayingDays = 30;

    /// <summary>New persons per channel: first seen in the 30 days ending on the report day; cost is 30 daily costs.</summary>
    public const int AcquisitionDays = 30;

    /// <summary>LTV counts revenue in a person's first 90 days …</summary>
    public const int LtvDays = 90;

    /// <summary>… over the persons first seen 90-119 days before the report day, the newest month whose first 90 days are over.</summary>
    public const int LtvCohortDays = 30;

    private const long DayMs = 86_400_000;

    internal static void Count(PersonState person, CountingDay day, MoneyFigures figures)
    {
        var d = day.Day;
        long revenue = 0;
        var paid = false;
        foreach (var (at, amount) in person.Purchases)
        {
            var purchaseDay = day.DayOf(at);
            if (purchaseDay <= d && purchaseDay > d - PayingDays)
            {
                paid = true;
                revenue += amount;
            }
        }
        if (paid)
        {
            figures.Paying++;
            figures.Revenue4 += revenue;
        }
        CountAcquisition(person, day, figures);
    }

    private static void CountAcquisition(PersonState person, CountingDay day, MoneyFigures figures)
    {
        if (person.ActiveDays.Count == 0 || person.FirstSeen == long.MaxValue)
        {
            return;
        }
        var d = day.Day;
        var firstDay = day.DayOf(person.FirstSeen);
        if (firstDay <= d && firstDay > d - AcquisitionDays)
        {
            figures.Channel(person.ChannelOrDirect).New++;
        }
        // 新增有效用户: CAC is spend over the channel's new registered users, not every visitor first seen.
        if (person.SignupAt != long.MaxValue && day.DayOf(person.SignupAt) is var signupDay && signupDay <= d && signupDay > d - AcquisitionDays)
        {
            figures.Channel(person.ChannelOrDirect).NewSignups++;
        }
        if (firstDay <= d - LtvDays && firstDay > d - LtvDays - LtvCohortDays)
        {
            var channel = figures.Channel(person.ChannelOrDirect);
            channel.LtvPersons++;
            var until = person.FirstSeen + LtvDays * DayMs;
            foreach (var (at, amount) in person.Purchases)
            {
                if (at < until && day.DayOf(at) <= d)
                {
                    channel.LtvRevenue4 += amount;
                }
            }
        }
    }

    /// <summary>Each channel's cost over the acquisition window: its spend when the spend table has any for it, else 30 × its daily cost in the definitions.</summary>
    private static SortedDictionary<string, decimal> ChannelCosts(MetricDefinitions definitions, IReadOnlyDictionary<string, decimal>? spend)
    {
        var costs = new SortedDictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (channel, daily) in definitions.ChannelDailyCosts ?? new Dictionary<string, decimal>())
        {
            costs[channel] = daily * AcquisitionDays;
        }
        foreach (var (channel, spent) in spend ?? new Dictionary<string, decimal>())
        {
            costs[channel] = spent;
        }
        return costs;
    }

    /// <summary>
    /// The money block; conversion and ARPU are over <paramref name="activity"/>'s MAU. A channel's cost is its spend over the
    /// acquisition window when the spend table has any for it (<paramref name="spend"/>), else 30 × its daily cost in the definitions.
    /// </summary>
    public static MoneyReport Report(MoneyFigures figures, ActivityFigures activity, MetricDefinitions definitions, IReadOnlyDictionary<string, decimal>? spend = null)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(definitions);
        var revenue = figures.Revenue4 / ReportNumbers.MoneyUnit;
        var channels = ChannelCosts(definitions, spend)
            .Select(c =>
            {
                var counts = figures.Channels.GetValueOrDefault(c.Key) ?? new ChannelFigures();
                var cost = c.Value;
                decimal? cac = counts.NewSignups == 0 ? null : ReportNumbers.PerPerson(cost, counts.NewSignups);
                decimal? ltv = counts.LtvPersons == 0 ? null : ReportNumbers.PerPerson(counts.LtvRevenue4 / ReportNumbers.MoneyUnit, counts.LtvPersons);
                double? ratio = ltv is { } l && cac is { } k && k != 0 ? (double)Math.Round(l / k, 6, MidpointRounding.AwayFromZero) : null;
                return new ChannelEconomics(c.Key, counts.New, counts.NewSignups, cost, cac, ltv, ratio);
            }).ToList();
        return new MoneyReport(figures.Paying, ReportNumbers.Rate(figures.Paying, activity.Mau), revenue,
            ReportNumbers.PerPerson(revenue, activity.Mau), ReportNumbers.PerPerson(revenue, figures.Paying), channels);
    }
}

public sealed class MoneyFigures
{
    [JsonPropertyName("paying")]
    public long Paying { get; set; }

    /// <summary>Revenue in ten-thousandths of the currency unit.</summary>
    [JsonPropertyName("revenue4")]
    public long Revenue4 { get; set; }

    /// <summary>By first-touch channel.</summary>
    [JsonPropertyName("channels")]
    public SortedDictionary<string, ChannelFigures> Channels { get; init; } = new(StringComparer.Ordinal);

    internal ChannelFigures Channel(string name) => Channels.GetOrAdd(name, () => new ChannelFigures());

    internal void Merge(MoneyFigures other)
    {
        Paying += other.Paying;
        Revenue4 += other.Revenue4;
        foreach (var (name, channel) in other.Channels)
        {
            var into = Channel(name);
            into.New += channel.New;
            into.NewSignups += channel.NewSignups;
            into.LtvPersons += channel.LtvPersons;
            into.LtvRevenue4 += channel.LtvRevenue4;
        }
    }
}

public sealed class ChannelFigures
{
    [JsonPropertyName("new")]
    public long New { get; set; }

    /// <summary>Persons of the channel who signed up in the acquisition window: CAC's denominator.</summary>
    [JsonPropertyName("newSignups")]
    public long NewSignups { get; set; }

    [JsonPropertyName("ltvPersons")]
    public long LtvPersons { get; set; }

    [JsonPropertyName("ltvRevenue4")]
    public long LtvRevenue4 { get; set; }
}
