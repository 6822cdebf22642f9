using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>One person (userId, else anonymousId) with every folded event of theirs; each fact is a query over them.</summary>
public sealed class Person(IReadOnlyList<KnownEvent> events, OracleDefinitions definitions)
{
    public IReadOnlyList<KnownEvent> Events => events;

    public long FirstSeenAt => events.Min(k => k.Event.Timestamp);

    public int FirstSeenDay => events.MinBy(k => k.Event.Timestamp)!.Day;

    public IEnumerable<int> ActiveDays => events.Select(k => k.Day).Distinct();

    public bool ActiveOn(int day) => events.Any(k => k.Day == day);

    /// <summary>First touch: the earliest event naming a channel (on a tie the ordinally smallest), else direct.</summary>
    public string Channel => FirstTouch(e => e.Channel) ?? "direct";

    public string Platform => FirstTouch(e => e.Platform) ?? "unknown";

    public IEnumerable<KnownEvent> Tracks(string name) => events.Where(k => k.Event.Type == EventType.Track && k.Event.Name == name);

    public KnownEvent? Signup => Tracks(definitions.SignupEvent).MinBy(k => k.Event.Timestamp);

    public IEnumerable<KnownEvent> Purchases => Tracks(definitions.PurchaseEvent);

    /// <summary>Per experiment, the variant of the earliest exposure (on a tie the ordinally smallest variant).</summary>
    public IEnumerable<(string Experiment, string Variant)> Exposures =>
        Tracks(definitions.ExperimentEvent)
            .Where(k => k.Event.Experiment is not null && k.Event.Variant is not null)
            .GroupBy(k => k.Event.Experiment!, StringComparer.Ordinal)
            .Select(g => (g.Key, g.OrderBy(k => k.Event.Timestamp).ThenBy(k => k.Event.Variant, StringComparer.Ordinal).First().Event.Variant!));

    /// <summary>Survey answers whose score is a whole number from 0 to 10, with that score.</summary>
    public IEnumerable<(KnownEvent Answer, int Score)> SurveyAnswers =>
        Tracks(definitions.SurveyEvent)
            .Select(k => (Answer: k, Text: k.Event.Properties is { } props && props.TryGetValue(definitions.SurveyScoreProperty, out var text) ? text : null))
            .Where(a => a.Text is not null && decimal.TryParse(a.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v % 1 == 0 && v >= 0 && v <= 10)
            .Select(a => (a.Answer, (int)decimal.Parse(a.Text!, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)));

    public static decimal Revenue(IEnumerable<KnownEvent> purchases) => purchases.Sum(k => k.Event.Revenue ?? 0);

    private string? FirstTouch(Func<ProductEvent, string?> value) =>
        events.Where(k => value(k.Event) is not null)
            .OrderBy(k => k.Event.Timestamp).ThenBy(k => value(k.Event), StringComparer.Ordinal)
            .Select(k => value(k.Event))
            .FirstOrDefault();
}
