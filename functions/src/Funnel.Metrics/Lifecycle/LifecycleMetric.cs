using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// 用户生命周期: every person seen is in exactly one of six stages as of a day, derived from the person's visible
/// facts up to that day (signup, active days, purchases), so the stages of D-1 and D-7 are recomputed from the
/// same events as D's and late events correct them. No state of its own: it reads what <see cref="PersonState"/> keeps.
/// </summary>
public static class LifecycleMetric
{
    /// <summary>Stages in report order; the index is the stage's number in the figures.</summary>
    public static readonly string[] Stages = ["potential", "new", "growing", "mature", "churnWarning", "churned"];

    /// <summary>The "from" of a person not seen by the day before.</summary>
    public const string NoStage = "none";

    public const int Potential = 0, New = 1, Growing = 2, Mature = 3, ChurnWarning = 4, Churned = 5;

    /// <summary>New: signed up in the 7 days ending on the day.</summary>
    public const int NewDays = 7;

    /// <summary>Churn warning: last active 14 to 29 days before the day.</summary>
    public const int WarningAfterDays = 14;

    /// <summary>Churned: last active 30 or more days before the day.</summary>
    public const int ChurnedAfterDays = 30;

    /// <summary>Mature: at least this many purchases.</summary>
    public const int MaturePurchases = 2;

    /// <summary>KPIs look at stages this many days before the report day.</summary>
    public const int KpiLookbackDays = 7;

    /// <summary>Mature revenue is summed over purchases of this many days ending on the report day.</summary>
    public const int MatureRevenueDays = 90;

    /// <summary>The stage number as of <paramref name="asOf"/>, or -1 when the person had no event by then.</summary>
    public static int StageOf(PersonState person, int asOf, Func<long, int> dayOf)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(dayOf);
        if (person.LatestActiveDayBy(asOf) is not { } latest)
        {
            return -1;
        }
        if (person.SignupAt == long.MaxValue || dayOf(person.SignupAt) is var signup && signup > asOf)
        {
            return Potential;
        }
        if (signup > asOf - NewDays)
        {
            return New;
        }
        if (latest <= asOf - ChurnedAfterDays)
        {
            return Churned;
        }
        if (latest <= asOf - WarningAfterDays)
        {
            return ChurnWarning;
        }
        var purchases = 0;
        foreach (var (at, _) in person.Purchases)
        {
            if (dayOf(at) <= asOf && ++purchases >= MaturePurchases)
            {
                return Mature;
            }
        }
        return Growing;
    }

    /// <summary>Counts the person and returns their stage as of the report day (-1 when not seen by then).</summary>
    internal static int Count(PersonState person, CountingDay day, LifecycleFigures figures)
    {
        var d = day.Day;
        var today = StageOf(person, d, day.DayOf);
        if (today < 0)
        {
            return today;
        }
        figures.Stages[today]++;
        figures.StagesByChannel.GetOrAdd(person.ChannelOrDirect, static () => new long[Stages.Length])[today]++;
        figures.StagesByPlatform.GetOrAdd(person.PlatformOrUnknown, static () => new long[Stages.Length])[today]++;
        figures.Transitions[(StageOf(person, d - 1, day.DayOf) + 1) * Stages.Length + today]++;

        var weekAgo = StageOf(person, d - KpiLookbackDays, day.DayOf);
        var signupDay = person.SignupAt == long.MaxValue ? int.MaxValue : day.DayOf(person.SignupAt);
        if (weekAgo == Potential)
        {
            figures.PotentialWeekAgo++;
            figures.PotentialSignedUp += signupDay <= d ? 1 : 0;
        }
        if (signupDay >= d - KpiLookbackDays && signupDay < d)
        {
            figures.RecentSignups++;
            figures.RecentSignupsActiveD1 += person.ActiveDays.BinarySearch(signupDay + 1) >= 0 ? 1 : 0;
        }
        if (today == Mature)
        {
            foreach (var (at, revenue) in person.Purchases)
            {
                var purchaseDay = day.DayOf(at);
                if (purchaseDay <= d && purchaseDay > d - MatureRevenueDays)
                {
                    figures.MatureRevenue4 += revenue;
                }
                // LTV counts from the signup instant on: a purchase made before signing up (on a linked device) is not the member's.
                if (purchaseDay <= d && at >= person.SignupAt)
                {
                    figures.MatureLifetimeRevenue4 += revenue;
                }
            }
        }
        if (weekAgo == ChurnWarning)
        {
            figures.WarningWeekAgo++;
            figures.WarningSaved += today is Growing or Mature ? 1 : 0;
        }
        if (weekAgo == Churned)
        {
            figures.ChurnedWeekAgo++;
            figures.ChurnedReactivated += person.LatestActiveDayBy(d) > d - KpiLookbackDays ? 1 : 0;
        }
        return today;
    }

    /// <summary>
    /// The block; 潜在's CAC is every configured cost of the acquisition window (<paramref name="money"/>'s channels) over every new
    /// signup of the window (<paramref name="moneyFigures"/>, organic ones included), null without costs or signups; 成长's NPS reads <paramref name="survey"/>.
    /// </summary>
    public static LifecycleReport Report(LifecycleFigures figures, SurveyFigures survey, MoneyFigures moneyFigures, MoneyReport money)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentNullException.ThrowIfNull(moneyFigures);
        ArgumentNullException.ThrowIfNull(money);
        var signups = moneyFigures.Channels.Values.Sum(c => c.NewSignups);
        decimal? cac = money.Channels.Count == 0 || signups == 0 ? null : ReportNumbers.PerPerson(money.Channels.Sum(c => c.Cost), signups);
        var stages = figures.Stages;
        var transitions = new List<LifecycleTransition>();
        for (var from = 0; from <= Stages.Length; from++)
        {
            for (var to = 0; to < Stages.Length; to++)
            {
                var persons = figures.Transitions.ElementAtOrDefault(from * Stages.Length + to);
                if (persons > 0)
                {
                    transitions.Add(new LifecycleTransition(from == 0 ? NoStage : Stages[from - 1], Stages[to], persons));
                }
            }
        }
        long Stage(int s) => stages.ElementAtOrDefault(s);
        static LifecycleStages StagesOf(long[] counts) => new(counts[Potential], counts[New], counts[Growing], counts[Mature], counts[ChurnWarning], counts[Churned]);
        static List<StageBreakdownRow> Rows(SortedDictionary<string, long[]> by) => [.. by.Select(x => new StageBreakdownRow(x.Key, StagesOf(x.Value)))];
        return new LifecycleReport(
            new LifecycleStages(Stage(Potential), Stage(New), Stage(Growing), Stage(Mature), Stage(ChurnWarning), Stage(Churned)),
            transitions,
            new LifecycleKpis(
                ReportNumbers.Rate(figures.PotentialSignedUp, figures.PotentialWeekAgo),
                ReportNumbers.Rate(figures.RecentSignupsActiveD1, figures.RecentSignups),
                ReportNumbers.PerPerson(figures.MatureRevenue4 / ReportNumbers.MoneyUnit, Stage(Mature)),
                ReportNumbers.Rate(figures.WarningSaved, figures.WarningWeekAgo),
                ReportNumbers.Rate(figures.ChurnedReactivated, figures.ChurnedWeekAgo),
                cac,
                SurveyMetric.Nps(survey),
                survey.Respondents,
                ReportNumbers.PerPerson(figures.MatureLifetimeRevenue4 / ReportNumbers.MoneyUnit, Stage(Mature))),
            new ByFirstTouch<StageBreakdownRow>(Rows(figures.StagesByChannel), Rows(figures.StagesByPlatform)));
    }
}

/// <summary>Persons per stage, per (stage the day before, stage today) cell, and the KPIs' numerators and denominators.</summary>
public sealed class LifecycleFigures
{
    [JsonPropertyName("stages")]
    public long[] Stages { get; set; } = new long[LifecycleMetric.Stages.Length];

    /// <summary>Row-major: row 0 is "none", row s + 1 stage s the day before; column the stage today.</summary>
    [JsonPropertyName("transitions")]
    public long[] Transitions { get; set; } = new long[(LifecycleMetric.Stages.Length + 1) * LifecycleMetric.Stages.Length];

    /// <summary>Persons per stage today by first-touch channel, each array in stage order.</summary>
    [JsonPropertyName("stagesByChannel")]
    public SortedDictionary<string, long[]> StagesByChannel { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Likewise by first-touch platform.</summary>
    [JsonPropertyName("stagesByPlatform")]
    public SortedDictionary<string, long[]> StagesByPlatform { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("potentialWeekAgo")]
    public long PotentialWeekAgo { get; set; }

    [JsonPropertyName("potentialSignedUp")]
    public long PotentialSignedUp { get; set; }

    [JsonPropertyName("recentSignups")]
    public long RecentSignups { get; set; }

    [JsonPropertyName("recentSignupsActiveD1")]
    public long RecentSignupsActiveD1 { get; set; }

    /// <summary>90-day revenue of today's mature persons, in ten-thousandths.</summary>
    [JsonPropertyName("matureRevenue4")]
    public long MatureRevenue4 { get; set; }

    /// <summary>Revenue since signup of today's mature persons, in ten-thousandths (成熟 LTV's numerator).</summary>
    [JsonPropertyName("matureLifetimeRevenue4")]
    public long MatureLifetimeRevenue4 { get; set; }

    [JsonPropertyName("warningWeekAgo")]
    public long WarningWeekAgo { get; set; }

    [JsonPropertyName("warningSaved")]
    public long WarningSaved { get; set; }

    [JsonPropertyName("churnedWeekAgo")]
    public long ChurnedWeekAgo { get; set; }

    [JsonPropertyName("churnedReactivated")]
    public long ChurnedReactivated { get; set; }

    internal void Merge(LifecycleFigures other)
    {
        Stages = FigureCounts.AddInto(Stages, other.Stages);
        Transitions = FigureCounts.AddInto(Transitions, other.Transitions);
        FigureCounts.MergeCounts(StagesByChannel, other.StagesByChannel);
        FigureCounts.MergeCounts(StagesByPlatform, other.StagesByPlatform);
        PotentialWeekAgo += other.PotentialWeekAgo;
        PotentialSignedUp += other.PotentialSignedUp;
        RecentSignups += other.RecentSignups;
        RecentSignupsActiveD1 += other.RecentSignupsActiveD1;
        MatureRevenue4 += other.MatureRevenue4;
        MatureLifetimeRevenue4 += other.MatureLifetimeRevenue4;
        WarningWeekAgo += other.WarningWeekAgo;
        WarningSaved += other.WarningSaved;
        ChurnedWeekAgo += other.ChurnedWeekAgo;
        ChurnedReactivated += other.ChurnedReactivated;
    }
}
