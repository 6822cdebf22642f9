using System.Text.Json.Nodes;
using Funnel.Events;

namespace Funnel.Oracle;

/// <summary>The <c>dataQuality</c> block over the events folded on the report's processing day.</summary>
public static class DataQualityBlock
{
    public static JsonObject Build(ProcessingLedger ledger, int reportDay, OracleDefinitions definitions)
    {
        var today = ledger.Events.Where(k => k.ProcessingDay == reportDay).Select(k => k.Event).ToList();
        var lags = today.Select(e => (double)(long)Math.Floor((e.ReceivedAt - e.Timestamp) / 1000.0)).ToList();
        long? Lag(int percent) => lags.Count == 0 ? null : (long)Figures.NearestRank(lags, percent);
        var known = definitions.Funnels.SelectMany(f => f.Steps.Select(s => s.Event))
            .Concat([definitions.SignupEvent, definitions.PurchaseEvent, definitions.ExperimentEvent, definitions.SurveyEvent, "Product Added", "Checkout Started"]).Concat(definitions.Features ?? []).Concat((definitions.Touches ?? []).SelectMany(t => new[] { t.Sent, t.Opened }))
            .Concat(definitions.TrackingPlan ?? [])
            .ToList();
        var tracks = today.Where(e => e.Type == EventType.Track && e.Name is not null).ToList();
        return new JsonObject
        {
            ["completeness"] = new JsonObject
            {
                ["missingChannel"] = Figures.Share(today.Count(e => string.IsNullOrEmpty(e.Channel)), today.Count),
                ["missingPlatform"] = Figures.Share(today.Count(e => string.IsNullOrEmpty(e.Platform)), today.Count),
            },
            ["uniqueness"] = new JsonObject
            {
                ["duplicatesDropped"] = ledger.DuplicatesDropped,
                ["rate"] = Figures.Share(ledger.DuplicatesDropped, ledger.Copies),
                ["reusedMessageIds"] = 0, // counted by ingest when a batch id comes again with other content: raw never holds such a copy
            },
            ["timeliness"] = new JsonObject
            {
                ["late"] = ledger.Late,
                ["lateRate"] = Figures.Share(ledger.Late, ledger.Folded),
                ["lagSeconds"] = new JsonObject { ["p50"] = Lag(50), ["p95"] = Lag(95), ["p99"] = Lag(99) },
            },
            ["accuracy"] = new JsonObject
            {
                ["invalidRevenue"] = tracks.Count(e => e.Name == definitions.PurchaseEvent && (e.Revenue is null || e.Revenue < 0)),
            },
            ["consistency"] = new JsonObject
            {
                ["unknownEvents"] = new JsonArray(tracks.Where(e => !known.Contains(e.Name!))
                    .GroupBy(e => e.Name!, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                    .Take(ReportWindows.UnknownEventsTop)
                    .Select(g => (JsonNode)new JsonObject { ["event"] = g.Key, ["count"] = g.Count() }).ToArray()),
            },
            ["rejectedAtIngest"] = new JsonArray(),
        };
    }
}
