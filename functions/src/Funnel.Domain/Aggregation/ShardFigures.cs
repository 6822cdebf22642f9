namespace Funnel.Domain.Aggregation;

/// <summary>Computes a shard's <see cref="ReportFigures"/> for a report day from its folded state.</summary>
public static class ShardFigures
{
    /// <summary>Funnel cohorts of the newest 40 days enter the report; breakdowns sum over the same days.</summary>
    public const int FunnelCohortDays = 40;

    /// <summary>Retention cohorts of the newest 31 days, D0..D30.</summary>
    public const int RetentionCohortDays = 31;

    private const long DayMs = 86_400_000;

    /// <summary>Rolling Dn: any event in the 24 h starting n × 24 h after the signup instant.</summary>
    public static readonly int[] RollingDays = [1, 7, 30];

    /// <summary>Figures for the report day; wider cohort windows serve analyses beyond the report (e.g. mature long funnels).</summary>
    public static ReportFigures Compute(ShardState state, EventFold fold, DateOnly reportDay, FoldCounts dayEvents,
        int funnelCohortDays = FunnelCohortDays, int retentionCohortDays = RetentionCohortDays)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(fold);
        var figures = new ReportFigures { Events = dayEvents };
        var d = reportDay.DayNumber;
        var funnels = fold.Definitions.Funnels;
        foreach (var person in state.Persons.Values)
        {
            for (var f = 0; f < funnels.Count; f++)
            {
                AddFunnel(figures, person, fold, f, d, funnelCohortDays);
            }
            AddRetention(figures, person, fold, d, retentionCohortDays);
            AddActivity(figures, person, d);
            AddMoney(figures, person, fold, d);
            AddLayersAndRfm(figures, person, fold, d);
        }
        return figures;
    }

    private static void AddFunnel(ReportFigures figures, PersonState person, EventFold fold, int f, int d, int cohortDays)
    {
        var steps = fold.Definitions.Funnels[f].Steps;
        var entry = person.StepTimesAt(fold.Slots.SlotOf(f, 0));
        if (entry is not { Count: > 0 })
        {
            return;
        }
        var at = entry[0];
        var cohort = fold.DayOf(at);
        if (cohort > d || cohort <= d - cohortDays)
        {
            return;
        }
        var reached = 1;
        for (var k = 1; k < steps.Count; k++)
        {
            var times = person.StepTimesAt(fold.Slots.SlotOf(f, k));
            var next = FirstAfter(times, at);
            if (next is not { } t || t > at + steps[k].WindowDays!.Value * DayMs)
            {
                break;
            }
            figures.AddValue(FigureKeys.FunnelStep(f, cohort, k), (t - at) / 1000.0);
            at = t;
            reached++;
        }
        var exposures = person.Exposures.Select(x => (x.Key, x.Value.Variant)).ToList();
        for (var k = 0; k < reached; k++)
        {
            figures.Add(FigureKeys.FunnelStep(f, cohort, k));
            figures.Add(FigureKeys.Breakdown(f, "channel", null, person.Channel ?? "direct", k));
            figures.Add(FigureKeys.Breakdown(f, "platform", null, person.Platform ?? "unknown", k));
            foreach (var (experiment, variant) in exposures)
            {
                figures.Add(FigureKeys.Breakdown(f, "variant", experiment, variant, k));
            }
        }
    }

    private static long? FirstAfter(List<long>? times, long at)
    {
        if (times is null)
        {
            return null;
        }
        var index = times.BinarySearch(at + 1);
        index = index < 0 ? ~index : index;
        return index < times.Count ? times[index] : null;
    }

    private static void AddRetention(ReportFigures figures, PersonState person, EventFold fold, int d, int cohortDays)
    {
        if (person.SignupAt == long.MaxValue)
        {
            return;
        }
        var cohort = fold.DayOf(person.SignupAt);
        if (cohort > d || cohort <= d - cohortDays)
        {
            return;
        }
        figures.Add(FigureKeys.RetentionSize(cohort));
        for (var n = 0; n <= d - cohort; n++)
        {
            if (person.ActiveDays.BinarySearch(cohort + n) >= 0)
            {
                figures.Add(FigureKeys.RetentionActive(cohort, n));
            }
        }
        foreach (var n in RollingDays)
        {
            var from = person.SignupAt + n * DayMs;
            var index = person.RecentInstants.BinarySearch(from);
            index = index < 0 ? ~index : index;
            if (index < person.RecentInstants.Count && person.RecentInstants[index] < from + DayMs)
            {
                figures.Add(FigureKeys.RollingActive(cohort, n));
            }
        }
    }

    private static void AddActivity(ReportFigures figures, PersonState person, int d)
    {
        var days = person.ActiveDays;
        var index = days.BinarySearch(d);
        var activeToday = index >= 0;
        var latest = LatestAtOrBefore(days, d);
        if (latest is null)
        {
            return;
        }
        if (activeToday)
        {
            figures.Add(FigureKeys.Activity("dau"));
            if (days[0] == d)
            {
                figures.Add(FigureKeys.Activity("new"));
            }
            else
            {
                figures.Add(FigureKeys.Activity("returning"));
                // 沉睡 then back: active today after 30 or more days without activity.
                if (days[index - 1] <= d - 31)
                {
                    figures.Add(FigureKeys.Activity("resurrected"));
                }
            }
        }
        if (latest > d - 7)
        {
            figures.Add(FigureKeys.Activity("wau"));
        }
        if (latest > d - 30)
        {
            figures.Add(FigureKeys.Activity("mau"));
        }
    }

    /// <summary>Paying persons and revenue over the 30 days ending on the report day, like MAU.</summary>
    private static void AddMoney(ReportFigures figures, PersonState person, EventFold fold, int d)
    {
        long revenue = 0;
        var paid = false;
        foreach (var (at, amount) in person.Purchases)
        {
            var day = fold.DayOf(at);
            if (day <= d && day > d - 30)
            {
                paid = true;
                revenue += amount;
            }
        }
        if (paid)
        {
            figures.Add(FigureKeys.Money("paying"));
            figures.Add(FigureKeys.Money("revenue4"), revenue);
        }
        AddAcquisition(figures, person, fold, d);
    }

    /// <summary>
    /// 拉新: persons first seen in the 30 days ending on the report day, by first-touch channel; and for
    /// LTV, persons first seen 90-119 days before it (the newest month whose first 90 days are over)
    /// with their revenue in those 90 days.
    /// </summary>
    private static void AddAcquisition(ReportFigures figures, PersonState person, EventFold fold, int d)
    {
        if (person.ActiveDays.Count == 0 || person.FirstSeen == long.MaxValue)
        {
            return;
        }
        var firstDay = fold.DayOf(person.FirstSeen);
        var channel = person.Channel ?? "direct";
        if (firstDay <= d && firstDay > d - 30)
        {
            figures.Add(FigureKeys.Channel(channel, "new"));
        }
        if (firstDay <= d - 90 && firstDay > d - 120)
        {
            figures.Add(FigureKeys.Channel(channel, "ltvPersons"));
            var until = person.FirstSeen + 90 * DayMs;
            long revenue = 0;
            foreach (var (at, amount) in person.Purchases)
            {
                if (at < until && fold.DayOf(at) <= d)
                {
                    revenue += amount;
                }
            }
            figures.Add(FigureKeys.Channel(channel, "ltvRevenue4"), revenue);
        }
    }

    /// <summary>
    /// 分层 as of the report day, RFM inputs of every payer, and each payer's 90-day revenue. "Paid" means a
    /// purchase in the 30 days ending on the report day; 中腰部 (active, never paid) means active in those
    /// 30 days with no purchase before them.
    /// </summary>
    private static void AddLayersAndRfm(ReportFigures figures, PersonState person, EventFold fold, int d)
    {
        if (LatestAtOrBefore(person.ActiveDays, d) is not { } latest)
        {
            return;
        }
        bool paidIn30 = false, paidBefore = false, paidIn90 = false;
        long revenue90 = 0, revenueAll = 0, purchases = 0;
        var lastPurchaseDay = int.MinValue;
        foreach (var (at, amount) in person.Purchases)
        {
            var day = fold.DayOf(at);
            if (day > d)
            {
                continue;
            }
            purchases++;
            revenueAll += amount;
            lastPurchaseDay = Math.Max(lastPurchaseDay, day);
            paidIn30 |= day > d - 30;
            paidBefore |= day <= d - 30;
            if (day > d - 90)
            {
                paidIn90 = true;
                revenue90 += amount;
            }
        }
        void Layer(string name, bool member)
        {
            if (member)
            {
                figures.Add(FigureKeys.Layer(name));
                if (paidIn30)
                {
                    figures.Add(FigureKeys.Layer(name + "|paid"));
                }
            }
        }
        var signupDay = person.SignupAt == long.MaxValue ? int.MinValue : fold.DayOf(person.SignupAt);
        var active = latest > d - 30;
        Layer("new", signupDay <= d && signupDay > d - 7);
        Layer("active", active);
        Layer("dormant", !active);
        Layer("activeNeverPaid", active && !paidBefore);
        if (paidIn90)
        {
            figures.AddValue(FigureKeys.Revenue90, revenue90 / 10_000.0);
        }
        if (purchases > 0)
        {
            figures.AddValue(FigureKeys.RfmTriples, d - lastPurchaseDay);
            figures.AddValue(FigureKeys.RfmTriples, purchases);
            figures.AddValue(FigureKeys.RfmTriples, revenueAll / 10_000.0);
        }
    }

    private static int? LatestAtOrBefore(List<int> days, int d)
    {
        var index = days.BinarySearch(d);
        index = index >= 0 ? index : ~index - 1;
        return index >= 0 ? days[index] : null;
    }
}
