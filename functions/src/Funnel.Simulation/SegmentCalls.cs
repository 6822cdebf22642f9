using System.Text.Json.Nodes;
using Funnel.Events;
using Funnel.Events.Ingest;

namespace Funnel.Simulation;

/// <summary>Simulated journeys rendered as Segment calls, ready to send to the app through any Segment client.</summary>
public static class SegmentCalls
{
    private static readonly Dictionary<string, string> Libraries = new(StringComparer.Ordinal)
    {
        ["iOS"] = "analytics-ios",
        ["Android"] = "analytics-android",
        ["Web"] = "analytics.js",
    };

    /// <summary>
    /// The calls of about <paramref name="persons"/> people whose first visits fall in the <paramref name="days"/> days
    /// up to <paramref name="until"/>, each person's calls in time order; nothing after <paramref name="until"/>.
    /// </summary>
    public static IEnumerable<JsonObject> Journeys(int persons, int days, DateTimeOffset until, int seed) =>
        ByHuman(persons, days, until, seed).SelectMany(h => h.Calls);

    /// <summary>The same calls, one journey per human (a person who signs up on two devices is one human), in order of first call.</summary>
    public static IEnumerable<HumanJourney> ByHuman(int persons, int days, DateTimeOffset until, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(persons, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var defaults = new SimulationSettings();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(defaults.TimeZone);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(until, zone).DateTime);
        var settings = defaults with
        {
            Seed = seed,
            Days = days,
            FirstDay = lastDay.AddDays(1 - days),
            SignupsPerDay = Math.Max(1, (int)Math.Round(persons / (double)days / (1 + defaults.BouncersPerSignup))),
            LateFraction = 0,
            DuplicateFraction = 0,
        };
        var cutoff = until.ToUnixTimeMilliseconds();
        return new JourneySimulator(settings).Deliveries().Values.SelectMany(e => e)
            .Where(e => e.Event.Timestamp <= cutoff)
            .GroupBy(e => e.Human, StringComparer.Ordinal)
            .OrderBy(p => p.Min(e => e.Event.Timestamp))
            .Select(p => new HumanJourney(p.Key, [.. p.OrderBy(e => e.Event.Timestamp).ThenBy(e => e.Event.MessageId, StringComparer.Ordinal).Select(Of)]));
    }

    /// <summary>The Segment call of one simulated event: its ids, time, properties, traits and context.</summary>
    public static JsonObject Of(SimulatedEvent simulated)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        var e = simulated.Event;
        var call = new JsonObject
        {
            ["type"] = e.Type.ToWireName(),
            ["anonymousId"] = simulated.AnonymousId,
        };
        if (simulated.UserId is not null)
        {
            call["userId"] = simulated.UserId;
        }
        if (e.Name is not null)
        {
            call[e.Type == EventType.Track ? "event" : "name"] = e.Name;
        }
        call["messageId"] = e.MessageId;
        call["timestamp"] = Iso8601.Format(DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp));
        var properties = new JsonObject();
        if (e.Revenue is { } revenue)
        {
            properties["revenue"] = revenue;
            properties["currency"] = "CNY";
        }
        if (e.Experiment is not null)
        {
            properties["experiment"] = e.Experiment;
            properties["variant"] = e.Variant;
        }
        foreach (var (key, value) in e.Properties ?? new Dictionary<string, string>())
        {
            properties[key] = value;
        }
        if (e.Type == EventType.Identify)
        {
            call["traits"] = new JsonObject { ["plan"] = "free" };
        }
        else
        {
            call["properties"] = properties;
        }
        var context = new JsonObject();
        if (e.Campaign is not null)
        {
            var (source, medium, name) = CampaignKey.Parts(e.Campaign);
            var campaign = new JsonObject();
            foreach (var (field, value) in new[] { ("source", source), ("medium", medium), ("name", name) })
            {
                if (value is not null)
                {
                    campaign[field] = value;
                }
            }
            context["campaign"] = campaign;
        }
        if (e.Platform is not null)
        {
            context["os"] = new JsonObject { ["name"] = e.Platform };
            if (Libraries.TryGetValue(e.Platform, out var library))
            {
                context["library"] = new JsonObject { ["name"] = library, ["version"] = "4.0.0" };
            }
        }
        call["context"] = context;
        return call;
    }
}

/// <summary>One human's Segment calls, in time order, from every device they used.</summary>
public sealed record HumanJourney(string Human, IReadOnlyList<JsonObject> Calls);
