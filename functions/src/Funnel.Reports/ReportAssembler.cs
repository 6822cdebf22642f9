using System.Globalization;
using Funnel.Events.Days;
using Funnel.Events.Ingest;
using Funnel.Metrics;

namespace Funnel.Reports;

/// <summary>What a report is computed over, besides the figures.</summary>
public sealed record ReportContext(DateOnly Day, string TimeZone, DateOnly FirstRawDay, DateTimeOffset GeneratedAt, MetricDefinitions Definitions)
{
    /// <summary>Set for a run of a day that has not closed yet: the report covers data up to this instant and says it is provisional.</summary>
    public DateTimeOffset? ProvisionalThrough { get; init; }

    /// <summary>The Ingest function's refusal counters of the day, most refused first.</summary>
    public IReadOnlyList<RejectedAtIngest> RejectedAtIngest { get; init; } = [];

    /// <summary>Set when the day ran as of a history import: raw received after the day, up to this instant, counts on the day it happened.</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>Each channel's spend over the acquisition window ending on the day, from the spend table; empty without one.</summary>
    public IReadOnlyDictionary<string, decimal> Spend { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Each campaign's spend over the same window (rows of the spend table naming a campaign), by channel and campaign name.</summary>
    public IReadOnlyDictionary<(string Channel, string Campaign), decimal> CampaignSpend { get; init; } = new Dictionary<(string, string), decimal>();
}

/// <summary>Turns merged figures into the report: each block from its metric family, with the manifest.</summary>
public static class ReportAssembler
{
    public const string EngineVersion = "0.1.0";

    /// <summary>2 added lifecycle, winBack, highIntent and dataQuality.</summary>
    public const int SchemaVersion = 2;

    public static DailyReport Assemble(ReportFigures figures, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(context);
        var d = context.Day.DayNumber;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(context.TimeZone);
        var definitions = context.Definitions;
        var events = figures.Events;
        var money = MoneyMetric.Report(figures.Money, figures.Activity, definitions, context.Spend);
        var report = new DailyReport(
            SchemaVersion,
            ReportNumbers.Day(d),
            context.TimeZone,
            context.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            definitions.Currency,
            new ReportManifest(
                definitions.Hash,
                context.ProvisionalThrough is { } through ? Instant(through, zone) : DataThrough(context.Day, zone),
                new RawDays(ReportNumbers.Day(context.FirstRawDay.DayNumber), ReportNumbers.Day(d)),
                EngineVersion,
                context.ProvisionalThrough is not null)
            {
                AsOf = context.AsOf is { } asOf ? Instant(asOf, zone) : null,
            },
            new EventCounts(events.Folded, events.DuplicatesDropped, events.Late, events.Malformed),
            definitions.Funnels.Select((funnel, f) => FunnelMetric.Report(funnel, figures.Funnels.ElementAtOrDefault(f), d)).ToList(),
            RetentionMetric.Report(figures.Retention, d, new ZoneDays(zone)),
            ActivityMetric.Report(figures.Activity),
            LayerMetric.Report(figures.Layers),
            RfmMetric.Report(figures.Rfm),
            money,
            ExperimentMetric.Report(figures.Funnels, definitions),
            LifecycleMetric.Report(figures.Lifecycle, figures.Survey, figures.Money, money),
            WinBackMetric.Report(figures.WinBack, d),
            HighIntentMetric.Report(figures.HighIntent),
            DataQualityMetric.Report(figures.DataQuality, events, context.RejectedAtIngest),
            PurchaseMetric.Report(figures.Purchases, d),
            Audiences(figures.Audiences, definitions),
            FeatureMetric.Report(figures.Features, figures.Activity, definitions),
            SessionMetric.Report(figures.Sessions, definitions),
            TouchMetric.Report(figures.Touches, definitions),
            CampaignMetric.Report(figures.Campaigns, money.Channels.ToDictionary(c => c.Channel, c => c.Cost, StringComparer.Ordinal), context.CampaignSpend));
        return report with { Targets = ReportTargets.Evaluate(report, definitions.Targets) };
    }

    /// <summary>Each audience file beside the report: its persons and the action suggested for them.</summary>
    private static List<AudienceReport> Audiences(AudienceFigures audiences, MetricDefinitions definitions)
    {
        var members = audiences.ByName();
        var actions = AudienceMetric.ActionsFor(definitions);
        return [.. AudienceMetric.Names.Select(name => new AudienceReport(name, members[name].Count, AudienceMetric.FileName(name), actions[name]))];
    }

    /// <summary>An instant in the report's zone, with the zone's offset.</summary>
    private static string Instant(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>The last millisecond of the report day in its zone, with the zone's offset.</summary>
    private static string DataThrough(DateOnly day, TimeZoneInfo zone)
    {
        var next = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        var offset = zone.GetUtcOffset(next.AddTicks(-1));
        return new DateTimeOffset(next.AddMilliseconds(-1), offset).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
    }
}
