using System.Text.Json.Nodes;
using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>A person's way through one funnel: the time they reached each step, in order, as far as they got.</summary>
public sealed record Journey(Person Person, int Cohort, IReadOnlyList<long> StepTimes);

/// <summary>The <c>funnels[]</c> block: cohorts of the newest 40 entry days and breakdowns summed over them.</summary>
public static class FunnelBlock
{
    public static bool Matches(OracleStep step, ProductEvent e) =>
        e.Type == EventType.Track && e.Name == step.Event
        && (step.Property is null || (e.Properties is not null && e.Properties.TryGetValue(step.Property, out var v) && v == step.EqualsValue));

    /// <summary>Entry at the first step-1 event; step k at the first step-k event strictly after step k−1 and within its window.</summary>
    public static Journey? JourneyOf(Person person, OracleFunnel funnel, ZoneCalendar calendar)
    {
        var entry = person.Events.Where(k => Matches(funnel.Steps[0], k.Event)).Select(k => (long?)k.Event.Timestamp).Min();
        if (entry is null)
        {
            return null;
        }
        var times = new List<long> { entry.Value };
        foreach (var step in funnel.Steps.Skip(1))
        {
            var previous = times[^1];
            var next = person.Events
                .Where(k => Matches(step, k.Event) && k.Event.Timestamp > previous && k.Event.Timestamp <= previous + step.WindowDays!.Value * ReportWindows.DayMs)
                .Select(k => (long?)k.Event.Timestamp).Min();
            if (next is null)
            {
                break;
            }
            times.Add(next.Value);
        }
        return new Journey(person, calendar.DayOf(entry.Value), times);
    }

    /// <summary>The journeys that entered in the newest 40 days up to the report day.</summary>
    public static List<Journey> Entrants(IEnumerable<Person> persons, OracleFunnel funnel, int reportDay, ZoneCalendar calendar) =>
        persons.Select(p => JourneyOf(p, funnel, calendar))
            .OfType<Journey>()
            .Where(j => j.Cohort <= reportDay && j.Cohort > reportDay - ReportWindows.FunnelCohortDays)
            .ToList();

    public static JsonObject Build(IEnumerable<Person> persons, OracleFunnel funnel, int reportDay, ZoneCalendar calendar)
    {
        var entrants = Entrants(persons, funnel, reportDay, calendar);
        var cohorts = new JsonArray();
        for (var cohort = reportDay - ReportWindows.FunnelCohortDays + 1; cohort <= reportDay; cohort++)
        {
            var members = entrants.Where(j => j.Cohort == cohort).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            var day = cohort;
            cohorts.Add(new JsonObject
            {
                ["day"] = ZoneCalendar.DayText(cohort),
                ["steps"] = StepCounts(members, funnel.Steps.Count, k => day + funnel.Steps.Take(k + 1).Skip(1).Sum(s => s.WindowDays!.Value) <= reportDay),
                ["secondsToConvert"] = new JsonArray(Enumerable.Range(0, funnel.Steps.Count).Select(k => SecondsToConvert(members, k)).ToArray()),
            });
        }
        return new JsonObject
        {
            ["name"] = funnel.Name,
            ["steps"] = new JsonArray(funnel.Steps.Select(s => (JsonNode)new JsonObject { ["name"] = s.Label ?? s.Event, ["windowDays"] = s.WindowDays }).ToArray()),
            ["cohorts"] = cohorts,
            ["breakdowns"] = new JsonObject
            {
                ["channel"] = Breakdown(entrants.Select(j => (j, (string?)null, j.Person.Channel)), funnel.Steps.Count),
                ["platform"] = Breakdown(entrants.Select(j => (j, (string?)null, j.Person.Platform)), funnel.Steps.Count),
                ["variant"] = Breakdown(entrants.SelectMany(j => j.Person.Exposures.Select(x => (j, (string?)x.Experiment, x.Variant))), funnel.Steps.Count),
            },
        };
    }

    /// <summary>Per step: persons who reached it, their share of step 1 and of the previous step, and whether it is mature.</summary>
    public static JsonArray StepCounts(IReadOnlyCollection<Journey> journeys, int steps, Func<int, bool> mature)
    {
        var counts = Enumerable.Range(0, steps).Select(k => (long)journeys.Count(j => j.StepTimes.Count > k)).ToList();
        return new JsonArray(counts.Select((count, k) => (JsonNode)new JsonObject
        {
            ["count"] = count,
            ["rate"] = Figures.Share(count, counts[0]),
            ["fromPrevious"] = Figures.Share(count, counts[Math.Max(0, k - 1)]),
            ["mature"] = mature(k),
        }).ToArray());
    }

    private static JsonObject? SecondsToConvert(List<Journey> members, int step)
    {
        if (step == 0)
        {
            return null;
        }
        var seconds = members.Where(j => j.StepTimes.Count > step).Select(j => (j.StepTimes[step] - j.StepTimes[step - 1]) / 1000.0).ToList();
        return seconds.Count == 0 ? null : new JsonObject
        {
            ["p25"] = Figures.NearestRank(seconds, 25),
            ["p50"] = Figures.NearestRank(seconds, 50),
            ["p75"] = Figures.NearestRank(seconds, 75),
            ["p90"] = Figures.NearestRank(seconds, 90),
        };
    }

    /// <summary>Step counts summed over the cohorts, one row per (experiment, value); summed over ages, only step 1 is mature.</summary>
    private static JsonArray Breakdown(IEnumerable<(Journey Journey, string? Experiment, string Value)> rows, int steps) =>
        new(rows.GroupBy(r => (r.Experiment, r.Value))
            .OrderBy(g => g.Key.Experiment, StringComparer.Ordinal).ThenBy(g => g.Key.Value, StringComparer.Ordinal)
            .Select(g =>
            {
                var row = new JsonObject { ["value"] = g.Key.Value };
                if (g.Key.Experiment is not null)
                {
                    row["experiment"] = g.Key.Experiment;
                }
                row["steps"] = StepCounts(g.Select(r => r.Journey).ToList(), steps, k => k == 0);
                return (JsonNode)row;
            }).ToArray());
}
