using System.Text.Json.Nodes;
using Funnel.Events;

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
    /// churn warning and churned persons with their last active day, the new, active-never-paid and high-value layers
    /// (signup day, last active day, 90-day revenue), activated persons who never paid 3 to 32 days on (activation time),
    /// payers with one purchase 7 to 36 days on (its time).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Audiences(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, DateOnly reportDay)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        var d = reportDay.DayNumber;
        var persons = PersonsOf(new ProcessingLedger(byProcessingDay, d, _calendar), OracleLinks.Of(byProcessingDay, d)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        return AudienceLines(persons, d);
    }

    private Dictionary<string, IReadOnlyList<string>> AudienceLines(List<(string Key, Person Person)> persons, int d)
    {
        static string Instant(long at) => DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        int LastActive(Person p) => p.Events.Where(k => k.Day <= d).Max(k => k.Day);
        List<string> InStage(string stage) => persons.Where(p => LifecycleBlock.Stage(p.Person, d) == stage)
            .Select(p => $"{p.Key},{ZoneCalendar.DayText(LastActive(p.Person))}").ToList();
        var seen = persons.Where(p => p.Person.Events.Any(k => k.Day <= d)).ToList();
        var paid = seen.Select(p => (p.Key, p.Person, Bought: p.Person.Purchases.Where(k => k.Day <= d).OrderBy(k => k.Event.Timestamp).ToList())).ToList();
        var revenue90 = paid.Select(x => (x.Key, Revenue: x.Bought.Where(k => d - k.Day < ReportWindows.HighValueRevenueDays).ToList()))
            .Where(x => x.Revenue.Count > 0).Select(x => (x.Key, Revenue: Person.Revenue(x.Revenue))).ToList();
        var ranked = revenue90.Select(x => x.Revenue).OrderByDescending(r => r).ToList();
        var cut = ranked.Count == 0 ? decimal.MaxValue : ranked[(ranked.Count * ReportWindows.HighValueTopPercent + 99) / 100 - 1];
        var activation = definitions.Funnels[0];
        var lines = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["audiences/high-intent.csv"] = persons.Where(p => HighIntentBlock.HasIntent(p.Person, d))
                .Select(p => $"{p.Key},{Instant(HighIntentBlock.LatestIntentAt(p.Person, d))}").ToList(),
            ["audiences/churn-warning.csv"] = InStage("churnWarning"),
            ["audiences/win-back.csv"] = InStage("churned"),
            ["audiences/new-users.csv"] = seen.Where(p => p.Person.Signup is { } s && s.Day <= d && d - s.Day < ReportWindows.NewLayerDays)
                .Select(p => $"{p.Key},{ZoneCalendar.DayText(p.Person.Signup!.Day)}").ToList(),
            ["audiences/active-never-paid.csv"] = seen.Where(p => d - LastActive(p.Person) < ReportWindows.MonthDays && !p.Person.Purchases.Any(k => k.Day <= d - ReportWindows.MonthDays))
                .Select(p => $"{p.Key},{ZoneCalendar.DayText(LastActive(p.Person))}").ToList(),
            ["audiences/high-value.csv"] = revenue90.Where(x => x.Revenue >= cut)
                .Select(x => $"{x.Key},{x.Revenue.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture)}").ToList(),
            ["audiences/activated-no-purchase-3d.csv"] = paid.Where(x => x.Bought.Count == 0)
                .Select(x => (x.Key, Steps: activation.Steps.Count > 1 ? FunnelBlock.JourneyOf(x.Person, activation, _calendar)?.StepTimes : null))
                .Where(x => x.Steps is { Count: > 1 } && d - _calendar.DayOf(x.Steps[1]) is >= ReportWindows.AudienceActivationWaitDays and < ReportWindows.AudienceActivationWaitDays + ReportWindows.AudienceWaitingDays)
                .Select(x => $"{x.Key},{Instant(x.Steps![1])}").ToList(),
            ["audiences/first-purchase-no-repurchase-7d.csv"] = paid.Where(x => x.Bought.Count == 1 && d - x.Bought[0].Day is >= ReportWindows.AudienceRepurchaseWaitDays and < ReportWindows.AudienceRepurchaseWaitDays + ReportWindows.AudienceWaitingDays)
                .Select(x => $"{x.Key},{Instant(x.Bought[0].Event.Timestamp)}").ToList(),
        };
        return lines;
    }

    public JsonObject Report(IReadOnlyDictionary<DateOnly, IReadOnlyList<ProductEvent>> byProcessingDay, DateOnly reportDay, ReportIdentity identity, long malformed = 0)
    {
        ArgumentNullException.ThrowIfNull(byProcessingDay);
        ArgumentNullException.ThrowIfNull(identity);
        var d = reportDay.DayNumber;
        var ledger = new ProcessingLedger(byProcessingDay, d, _calendar);
        var keyed = PersonsOf(ledger, OracleLinks.Of(byProcessingDay, d)).ToList();
        var persons = keyed.Select(p => p.Person).ToList();
        var audiences = AudienceLines(keyed, d);
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
            ["sessions"] = SessionsBlock.Build(persons, d, _calendar, definitions.SessionGapMinutes),
            ["campaigns"] = CampaignsBlock.Build(persons, d, definitions),
            ["touches"] = new JsonArray((definitions.Touches ?? []).Select(touch =>
            {
                // 触达: messages of the week per person; over the cap means more messages than it allows.
                bool InWeek(KnownEvent k) => k.Day <= d && d - k.Day < ReportWindows.TouchDays;
                var perPerson = persons.Select(p => (Sent: p.Tracks(touch.Sent).Count(InWeek), Opened: p.Tracks(touch.Opened).Count(InWeek))).ToList();
                long sent = perPerson.Sum(x => x.Sent), opened = perPerson.Sum(x => x.Opened);
                return (JsonNode)new JsonObject
                {
                    ["channel"] = touch.Channel,
                    ["sent"] = sent,
                    ["opened"] = opened,
                    ["openRate"] = Figures.Share(opened, sent),
                    ["personsTouched"] = perPerson.Count(x => x.Sent > 0),
                    ["weeklyCap"] = touch.WeeklyCap,
                    ["personsOverCap"] = perPerson.Count(x => x.Sent > touch.WeeklyCap),
                };
            }).ToArray()),
            ["features"] = new JsonArray((definitions.Features ?? []).Select(feature =>
            {
                // 功能使用率: users of the feature event on the day over DAU, in the 30 days ending on it over MAU.
                long dau = persons.Count(p => p.ActiveOn(d)), mau = persons.Count(p => p.ActiveDays.Any(n => n <= d && d - n < ReportWindows.MonthDays));
                long today = persons.Count(p => p.Tracks(feature).Any(k => k.Day == d));
                long month = persons.Count(p => p.Tracks(feature).Any(k => k.Day <= d && d - k.Day < ReportWindows.MonthDays));
                return (JsonNode)new JsonObject
                {
                    ["event"] = feature,
                    ["usedToday"] = today,
                    ["dauShare"] = Figures.Share(today, dau),
                    ["used30"] = month,
                    ["mauShare"] = Figures.Share(month, mau),
                };
            }).ToArray()),
            ["audiences"] = new JsonArray(definitions.AudienceActions.Select(a => (JsonNode)new JsonObject
            {
                ["name"] = a.Name,
                ["persons"] = audiences[$"audiences/{a.Name}.csv"].Count,
                ["file"] = $"audiences/{a.Name}.csv",
                ["action"] = new JsonObject(a.Action.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => KeyValuePair.Create(x.Key, (JsonNode?)x.Value))),
            }).ToArray()),
        };
    }

    /// <summary>Every person (userId, else anonymousId; a linked device's events are its user's) with their folded events.</summary>
    private IEnumerable<(string Key, Person Person)> PersonsOf(ProcessingLedger ledger, IReadOnlyDictionary<string, string> links) =>
        ledger.Events.GroupBy(k => OracleLinks.PersonOf(k.Event, links), StringComparer.Ordinal).Select(g => (g.Key, new Person(g.ToList(), definitions)));
}
