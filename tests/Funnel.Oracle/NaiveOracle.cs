using System.Text.Json.Nodes;
using Funnel.Domain.Events;

namespace Funnel.Oracle;

/// <summary>
/// A deliberately naive implementation of the whole daily report (docs/report.md, schema version 2): every
/// report day is recomputed from the full list of events processed so far with plain LINQ, no state, no fold,
/// and nothing of the engine but the event record. The engine's reports must equal it field by field.
/// </summary>
public sealed class NaiveOracle(OracleDefinitions definitions, string timeZone)
{
    private readonly ZoneCalendar _calendar = new(timeZone);

    /// <summary>
    /// The audiences beside the report, by file name (<c>audiences/{name}.csv</c>), each as its data lines
    /// <c>person,fact</c> sorted by person: open carts with the time of the latest cart or checkout by the day,
    /// churn warning and churned persons with their last active day.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Audiences(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, DateOnly reportDay)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        var d = reportDay.DayNumber;
        var persons = PersonsOf(new ProcessingLedger(byProcessingDay, d, _calendar), OracleLinks.Of(byProcessingDay, d)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        List<string> InStage(string stage) => persons.Where(p => LifecycleBlock.Stage(p.Person, d) == stage)
            .Select(p => $"{p.Key},{ZoneCalendar.DayText(p.Person.Events.Where(k => k.Day <= d).Max(k => k.Day))}").ToList();
        return new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["audiences/high-intent.csv"] = persons.Where(p => HighIntentBlock.HasIntent(p.Person, d))
                .Select(p => $"{p.Key},{DateTimeOffset.FromUnixTimeMilliseconds(HighIntentBlock.LatestIntentAt(p.Person, d)).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", System.Globalization.CultureInfo.InvariantCulture)}")
                .ToList(),
            ["audiences/churn-warning.csv"] = InStage("churnWarning"),
            ["audiences/win-back.csv"] = InStage("churned"),
        };
    }

    public JsonObject Report(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, DateOnly reportDay, ReportIdentity identity, long malformed = 0)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        ArgumentNullException.ThrowIfNull(identity);
        var d = reportDay.DayNumber;
        var ledger = new ProcessingLedger(byProcessingDay, d, _calendar);
        var persons = PersonsOf(ledger, OracleLinks.Of(byProcessingDay, d)).Select(p => p.Person).ToList();
        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["day"] = ZoneCalendar.DayText(d),
            ["timeZone"] = timeZone,
            ["generatedAt"] = identity.GeneratedAt,
            ["currency"] = definitions.Currency,
            ["manifest"] = new JsonObject
            {
                ["definitionsHash"] = identity.DefinitionsHash,
                ["dataThrough"] = _calendar.LocalText(_calendar.StartOf(d + 1) - 1),
                ["rawDays"] = new JsonObject
                {
                    ["first"] = ZoneCalendar.DayText(byProcessingDay.Keys.Min().DayNumber),
                    ["last"] = ZoneCalendar.DayText(d),
                },
                ["engineVersion"] = identity.EngineVersion,
                ["provisional"] = identity.Provisional,
            },
            ["events"] = new JsonObject
            {
                ["folded"] = ledger.Folded,
                ["duplicatesDropped"] = ledger.DuplicatesDropped,
                ["late"] = ledger.Late,
                ["malformed"] = malformed,
            },
            ["funnels"] = new JsonArray(definitions.Funnels.Select(f => (JsonNode)FunnelBlock.Build(persons, f, d, _calendar)).ToArray()),
            ["retention"] = RetentionBlock.Build(persons, d, _calendar),
            ["activity"] = ActivityBlock.Build(persons, d),
            ["layers"] = LayersBlock.Build(persons, d),
            ["rfm"] = RfmBlock.Build(persons, d),
            ["money"] = MoneyBlock.Build(persons, d, definitions),
            ["experiments"] = ExperimentsBlock.Build(persons, d, definitions, _calendar),
            ["lifecycle"] = LifecycleBlock.Build(persons, d, definitions),
            ["winBack"] = WinBackBlock.Build(persons, d),
            ["highIntent"] = HighIntentBlock.Build(persons, d),
            ["dataQuality"] = DataQualityBlock.Build(ledger, d, definitions),
            ["purchases"] = PurchasesBlock.Build(persons, d),
        };
    }

    /// <summary>Every person (userId, else anonymousId; a linked device's events are its user's) with their folded events.</summary>
    private IEnumerable<(string Key, Person Person)> PersonsOf(ProcessingLedger ledger, IReadOnlyDictionary<string, string> links) =>
        ledger.Events.GroupBy(k => OracleLinks.PersonOf(k.Event, links), StringComparer.Ordinal).Select(g => (g.Key, new Person(g.ToList(), definitions)));
}
