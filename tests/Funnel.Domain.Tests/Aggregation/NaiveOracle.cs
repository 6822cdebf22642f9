using Funnel.Domain.Aggregation;
using Funnel.Domain.Events;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>
/// A deliberately naive implementation of every metric: plain LINQ over the full list of events
/// processed so far, no state, no fold. The engine's reports must equal what it computes.
/// </summary>
internal sealed class NaiveOracle(MetricDefinitions definitions, string timeZone)
{
    private const long DayMs = 86_400_000;
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);

    private int DayOf(long unixMs) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), _zone).DateTime).DayNumber;

    public ReportFigures Figures(SortedDictionary<DateOnly, List<ProductEvent>> byProcessingDay, DateOnly reportDay)
    {
        var d = reportDay.DayNumber;
        // The first copy of every message id wins: earliest processing day, then the fold's order within a day.
        var copies = byProcessingDay.Where(p => p.Key <= reportDay)
            .SelectMany(p => p.Value.Select(e => (Day: p.Key.DayNumber, Event: e)))
            .OrderBy(c => c.Day).ThenBy(c => c.Event.MessageId, StringComparer.Ordinal).ThenBy(c => c.Event.ReceivedAt)
            .ThenBy(c => c.Event.Timestamp).ThenBy(c => c.Event.Type).ThenBy(c => c.Event.Name, StringComparer.Ordinal)
            .ToList();
        var firstCopies = copies.GroupBy(c => c.Event.MessageId).Select(g => g.First()).ToList();
        var events = firstCopies.Select(c => c.Event).ToList();

        var todays = copies.Where(c => c.Day == d).ToList();
        var keptToday = firstCopies.Where(c => c.Day == d).ToList();
        var figures = new ReportFigures
        {
            Events = new FoldCounts(keptToday.Count, todays.Count - keptToday.Count, keptToday.Count(c => DayOf(c.Event.Timestamp) < d), 0),
        };

        foreach (var person in events.GroupBy(e => e.PersonKey))
        {
            var all = person.ToList();
            var channel = all.Where(e => e.Channel is not null).OrderBy(e => e.Timestamp).ThenBy(e => e.Channel, StringComparer.Ordinal).Select(e => e.Channel).FirstOrDefault() ?? "direct";
            var platform = all.Where(e => e.Platform is not null).OrderBy(e => e.Timestamp).ThenBy(e => e.Platform, StringComparer.Ordinal).Select(e => e.Platform).FirstOrDefault() ?? "unknown";
            var exposures = all.Where(e => e.Type == EventType.Track && e.Name == definitions.ExperimentEvent && e.Experiment is not null && e.Variant is not null)
                .GroupBy(e => e.Experiment!)
                .Select(g => (Experiment: g.Key, Variant: g.OrderBy(e => e.Timestamp).ThenBy(e => e.Variant, StringComparer.Ordinal).First().Variant!))
                .ToList();
            var activeDays = all.Select(e => DayOf(e.Timestamp)).ToHashSet();

            for (var f = 0; f < definitions.Funnels.Count; f++)
            {
                var steps = definitions.Funnels[f].Steps;
                var entries = all.Where(e => Matches(steps[0], e)).ToList();
                if (entries.Count == 0)
                {
                    continue;
                }
                var at = entries.Min(e => e.Timestamp);
                var cohort = DayOf(at);
                if (cohort > d || cohort <= d - 40)
                {
                    continue;
                }
                var reached = 1;
                for (var k = 1; k < steps.Count; k++)
                {
                    var window = steps[k].WindowDays!.Value * DayMs;
                    var next = all.Where(e => Matches(steps[k], e) && e.Timestamp > at && e.Timestamp <= at + window).Select(e => (long?)e.Timestamp).Min();
                    if (next is null)
                    {
                        break;
                    }
                    figures.AddValue(FigureKeys.FunnelStep(f, cohort, k), (next.Value - at) / 1000.0);
                    at = next.Value;
                    reached++;
                }
                for (var k = 0; k < reached; k++)
                {
                    figures.Add(FigureKeys.FunnelStep(f, cohort, k));
                    figures.Add(FigureKeys.Breakdown(f, "channel", null, channel, k));
                    figures.Add(FigureKeys.Breakdown(f, "platform", null, platform, k));
                    foreach (var (experiment, variant) in exposures)
                    {
                        figures.Add(FigureKeys.Breakdown(f, "variant", experiment, variant, k));
                    }
                }
            }

            var signups = all.Where(e => e.Type == EventType.Track && e.Name == definitions.SignupEvent).ToList();
            if (signups.Count > 0)
            {
                var cohort = DayOf(signups.Min(e => e.Timestamp));
                if (cohort <= d && cohort > d - 31)
                {
                    figures.Add(FigureKeys.RetentionSize(cohort));
                    var signupAt = signups.Min(e => e.Timestamp);
                    foreach (var n in new[] { 1, 7, 30 })
                    {
                        if (all.Any(e => e.Timestamp >= signupAt + n * DayMs && e.Timestamp < signupAt + (n + 1) * DayMs))
                        {
                            figures.Add(FigureKeys.RollingActive(cohort, n));
                        }
                    }
                    for (var n = 0; cohort + n <= d; n++)
                    {
                        if (activeDays.Contains(cohort + n))
                        {
                            figures.Add(FigureKeys.RetentionActive(cohort, n));
                        }
                    }
                }
            }

            var purchasesIn30Days = all.Where(e => e.Type == EventType.Track && e.Name == definitions.PurchaseEvent)
                .Where(e => DayOf(e.Timestamp) <= d && DayOf(e.Timestamp) > d - 30).ToList();
            if (purchasesIn30Days.Count > 0)
            {
                figures.Add(FigureKeys.Money("paying"));
                figures.Add(FigureKeys.Money("revenue4"), (long)(purchasesIn30Days.Sum(e => e.Revenue ?? 0) * 10_000));
            }

            AddLayersAndRfm(figures, all, activeDays, d);

            var firstSeenAt = all.Min(e => e.Timestamp);
            var firstSeenDay = DayOf(firstSeenAt);
            if (firstSeenDay <= d)
            {
                if (firstSeenDay > d - 30)
                {
                    figures.Add(FigureKeys.Channel(channel, "new"));
                }
                if (firstSeenDay <= d - 90 && firstSeenDay > d - 120)
                {
                    figures.Add(FigureKeys.Channel(channel, "ltvPersons"));
                    var revenue = all.Where(e => e.Type == EventType.Track && e.Name == definitions.PurchaseEvent
                        && e.Timestamp < firstSeenAt + 90 * DayMs && DayOf(e.Timestamp) <= d).Sum(e => e.Revenue ?? 0);
                    figures.Add(FigureKeys.Channel(channel, "ltvRevenue4"), (long)(revenue * 10_000));
                }
            }

            var pastDays = activeDays.Where(x => x <= d).ToList();
            if (pastDays.Count == 0)
            {
                continue;
            }
            if (pastDays.Contains(d))
            {
                figures.Add(FigureKeys.Activity("dau"));
                var before = pastDays.Where(x => x < d).ToList();
                if (before.Count == 0 && activeDays.Min() == d)
                {
                    figures.Add(FigureKeys.Activity("new"));
                }
                else
                {
                    figures.Add(FigureKeys.Activity("returning"));
                    if (before.Max() <= d - 31)
                    {
                        figures.Add(FigureKeys.Activity("resurrected"));
                    }
                }
            }
            if (pastDays.Any(x => x > d - 7))
            {
                figures.Add(FigureKeys.Activity("wau"));
            }
            if (pastDays.Any(x => x > d - 30))
            {
                figures.Add(FigureKeys.Activity("mau"));
            }
        }
        return figures;
    }

    private void AddLayersAndRfm(ReportFigures figures, List<ProductEvent> all, HashSet<int> activeDays, int d)
    {
        var past = activeDays.Where(x => x <= d).ToList();
        if (past.Count == 0)
        {
            return;
        }
        var purchases = all.Where(e => e.Type == EventType.Track && e.Name == definitions.PurchaseEvent && DayOf(e.Timestamp) <= d).ToList();
        var paidIn30 = purchases.Any(e => DayOf(e.Timestamp) > d - 30);
        var active = past.Max() > d - 30;
        var signups = all.Where(e => e.Type == EventType.Track && e.Name == definitions.SignupEvent).Select(e => DayOf(e.Timestamp)).ToList();
        var isNew = signups.Count > 0 && signups.Min() <= d && signups.Min() > d - 7;
        foreach (var (name, member) in new[] { ("new", isNew), ("active", active), ("dormant", !active), ("activeNeverPaid", active && !purchases.Any(e => DayOf(e.Timestamp) <= d - 30)) })
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
        var in90 = purchases.Where(e => DayOf(e.Timestamp) > d - 90).ToList();
        if (in90.Count > 0)
        {
            figures.AddValue(FigureKeys.Revenue90, (double)in90.Sum(e => e.Revenue ?? 0));
        }
        if (purchases.Count > 0)
        {
            figures.AddValue(FigureKeys.RfmTriples, d - purchases.Max(e => DayOf(e.Timestamp)));
            figures.AddValue(FigureKeys.RfmTriples, purchases.Count);
            figures.AddValue(FigureKeys.RfmTriples, (double)purchases.Sum(e => e.Revenue ?? 0));
        }
    }

    private static bool Matches(FunnelStep step, ProductEvent e) =>
        e.Type == EventType.Track && e.Name == step.Event
        && (step.Property is null || (e.Properties?.TryGetValue(step.Property, out var v) == true && v == step.EqualsValue));
}
