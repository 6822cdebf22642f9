using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

/// <summary>One event naming a campaign: when, and its <see cref="CampaignKey"/>. Ordered by time, then by key.</summary>
public readonly record struct CampaignTouch(long At, string Campaign) : IComparable<CampaignTouch>
{
    public int CompareTo(CampaignTouch other) => At != other.At ? At.CompareTo(other.At) : string.CompareOrdinal(Campaign, other.Campaign);

    public static bool operator <(CampaignTouch left, CampaignTouch right) => left.CompareTo(right) < 0;

    public static bool operator <=(CampaignTouch left, CampaignTouch right) => left.CompareTo(right) <= 0;

    public static bool operator >(CampaignTouch left, CampaignTouch right) => left.CompareTo(right) > 0;

    public static bool operator >=(CampaignTouch left, CampaignTouch right) => left.CompareTo(right) >= 0;
}

public sealed partial class PersonState
{
    private List<CampaignTouch>? _campaignTouches;

    /// <summary>The earliest event that named a campaign (on a tie the ordinally smallest key), and that campaign: the first touch.</summary>
    public long FirstCampaignAt { get; set; } = long.MaxValue;

    public string? FirstCampaign { get; set; }

    /// <summary>Distinct touches of the last two months, sorted: the ones a conversion of the report's window may be credited to by last touch.</summary>
    public IReadOnlyList<CampaignTouch> CampaignTouches => _campaignTouches ?? (IReadOnlyList<CampaignTouch>)[];

    internal void AddCampaignTouch(CampaignTouch touch) => InsertSorted(_campaignTouches ??= [], touch);

    /// <summary>Drops the campaign touches before <paramref name="cutoff"/> (Unix ms); the first touch stays.</summary>
    public void ForgetCampaignTouchesBefore(long cutoff)
    {
        if (_campaignTouches is null)
        {
            return;
        }
        var index = _campaignTouches.BinarySearch(new CampaignTouch(cutoff, ""));
        _campaignTouches.RemoveRange(0, index < 0 ? ~index : index);
        if (_campaignTouches.Count == 0)
        {
            _campaignTouches = null;
        }
    }
}

/// <summary>
/// 活动效果与归因: conversions of the 30 days ending on the report day — new persons (their first event), signups, first
/// purchases and revenue — credited to a campaign (<c>context.campaign</c> source, medium and name) by two models: first
/// touch (the person's earliest campaign touch) and last touch (their latest touch at or before the conversion). Either
/// credits a conversion only when the touch came at most 30 × 24 h before it; on a tie in time the ordinally smallest
/// campaign wins. What neither credits is "not attributed", so each model's columns add up to the window's totals.
/// ROI = (revenue − spend) / spend where the spend table has spend for the campaign (rows naming it) or its channel.
/// </summary>
public static class CampaignMetric
{
    /// <summary>Conversions count on the 30 days ending on the report day.</summary>
    public const int WindowDays = 30;

    /// <summary>A touch credits conversions up to this many days of 24 h after it (and none before it).</summary>
    public const int AttributionDays = 30;

    /// <summary>The conversions, in the order of the figures' counts.</summary>
    public static readonly string[] Conversions = ["newPersons", "signups", "firstPurchases", "revenue"];

    /// <summary>The figures' key of what no touch credits: no campaign key is empty.</summary>
    internal const string NotAttributed = "";

    private const long DayMs = 86_400_000;
    private const long AttributionMs = AttributionDays * DayMs;
    private const long ZoneSlackMs = 14 * 3_600_000L;

    internal static void Observe(PersonState person, ProductEvent e)
    {
        if (e.Campaign is not { } campaign)
        {
            return;
        }
        // One string per campaign in a person, however many touches name it.
        campaign = campaign == person.FirstCampaign ? person.FirstCampaign : campaign;
        if (PersonState.Earlier(e.Timestamp, campaign, person.FirstCampaignAt, person.FirstCampaign))
        {
            (person.FirstCampaignAt, person.FirstCampaign) = (e.Timestamp, campaign);
        }
        person.AddCampaignTouch(new CampaignTouch(e.Timestamp, campaign));
    }

    internal static void Merge(PersonState person, PersonState other)
    {
        if (other.FirstCampaign is not null && PersonState.Earlier(other.FirstCampaignAt, other.FirstCampaign, person.FirstCampaignAt, person.FirstCampaign))
        {
            (person.FirstCampaignAt, person.FirstCampaign) = (other.FirstCampaignAt, other.FirstCampaign);
        }
        foreach (var touch in other.CampaignTouches)
        {
            person.AddCampaignTouch(touch);
        }
    }

    /// <summary>Reports from processing day <paramref name="day"/> on read conversions of its window and the 30 days of touches before them.</summary>
    internal static void Forget(PersonState person, int day) =>
        person.ForgetCampaignTouchesBefore(ZoneDays.UtcStartOf(day - WindowDays + 1) - ZoneSlackMs - AttributionMs);

    internal static void Count(PersonState person, CountingDay day, CampaignFigures figures)
    {
        var d = day.Day;
        bool InWindow(long at) => day.DayOf(at) is var on && on <= d && on > d - WindowDays;
        if (person.FirstSeen != long.MaxValue && InWindow(person.FirstSeen))
        {
            Credit(person, person.FirstSeen, 0, 1, figures);
        }
        if (person.SignupAt != long.MaxValue && InWindow(person.SignupAt))
        {
            Credit(person, person.SignupAt, 1, 1, figures);
        }
        var purchases = person.Purchases;
        if (purchases.Count > 0 && InWindow(purchases[0].At))
        {
            Credit(person, purchases[0].At, 2, 1, figures);
        }
        for (var i = purchases.Count - 1; i >= 0; i--)
        {
            var purchaseDay = day.DayOf(purchases[i].At);
            if (purchaseDay <= d - WindowDays)
            {
                break;
            }
            if (purchaseDay <= d)
            {
                Credit(person, purchases[i].At, 3, purchases[i].Revenue4, figures);
            }
        }
    }

    /// <summary>Adds <paramref name="amount"/> to conversion <paramref name="index"/> of the campaign each model credits with the conversion at <paramref name="at"/>.</summary>
    private static void Credit(PersonState person, long at, int index, long amount, CampaignFigures figures)
    {
        var first = person.FirstCampaign is { } campaign && person.FirstCampaignAt <= at && at - person.FirstCampaignAt <= AttributionMs ? campaign : NotAttributed;
        figures.FirstTouch.GetOrAdd(first, static () => new long[4])[index] += amount;
        figures.LastTouch.GetOrAdd(LastTouchBefore(person.CampaignTouches, at) ?? NotAttributed, static () => new long[4])[index] += amount;
    }

    /// <summary>The campaign of the latest touch at or before <paramref name="at"/> (the ordinally smallest of that instant), when it is at most 30 days before.</summary>
    internal static string? LastTouchBefore(IReadOnlyList<CampaignTouch> touches, long at)
    {
        int lo = 0, hi = touches.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (touches[mid].At <= at)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        if (found < 0 || at - touches[found].At > AttributionMs)
        {
            return null;
        }
        while (found > 0 && touches[found - 1].At == touches[found].At)
        {
            found--;
        }
        return touches[found].Campaign;
    }

    /// <summary>
    /// The campaigns block: every campaign either model credits, each channel (campaign source) they roll up to, and what
    /// neither credits. <paramref name="spend"/> is the window's spend per channel and <paramref name="campaignSpend"/> per
    /// channel and campaign name.
    /// </summary>
    public static CampaignsReport Report(CampaignFigures figures, IReadOnlyDictionary<string, decimal> spend, IReadOnlyDictionary<(string Channel, string Campaign), decimal> campaignSpend)
    {
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(spend);
        ArgumentNullException.ThrowIfNull(campaignSpend);
        var keys = figures.FirstTouch.Keys.Concat(figures.LastTouch.Keys).Where(k => k != NotAttributed).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(key => (Key: key, Parts: CampaignKey.Parts(key))).ToList();
        var campaigns = keys.Select(k =>
        {
            var (key, (source, medium, name)) = k;
            decimal? spent = source is not null && name is not null && campaignSpend.TryGetValue((source, name), out var s) ? s : null;
            return new CampaignReport(source, medium, name, Credited(figures.FirstTouch.GetValueOrDefault(key), spent), Credited(figures.LastTouch.GetValueOrDefault(key), spent), spent);
        }).ToList();
        var bySource = new SortedDictionary<string, (long[] First, long[] Last)>(StringComparer.Ordinal);
        foreach (var (key, parts) in keys)
        {
            if (parts.Source is { } source)
            {
                var (first, last) = bySource.GetOrAdd(source, static () => (new long[4], new long[4]));
                FigureCounts.AddInto(first, figures.FirstTouch.GetValueOrDefault(key) ?? []);
                FigureCounts.AddInto(last, figures.LastTouch.GetValueOrDefault(key) ?? []);
            }
        }
        var channels = bySource.Select(c =>
        {
            decimal? spent = spend.TryGetValue(c.Key, out var s) ? s : null;
            return new CampaignChannelReport(c.Key, Credited(c.Value.First, spent), Credited(c.Value.Last, spent), spent);
        }).ToList();
        return new CampaignsReport(WindowDays, AttributionDays, campaigns, channels,
            new CampaignModels(Credited(figures.FirstTouch.GetValueOrDefault(NotAttributed), null), Credited(figures.LastTouch.GetValueOrDefault(NotAttributed), null)));
    }

    private static CampaignConversions Credited(long[]? counts, decimal? spend)
    {
        var c = counts ?? new long[4];
        var revenue = c[3] / ReportNumbers.MoneyUnit;
        double? roi = spend is { } s && s > 0 ? (double)Math.Round((revenue - s) / s, 6, MidpointRounding.AwayFromZero) : null;
        return new CampaignConversions(c[0], c[1], c[2], revenue, roi);
    }
}

/// <summary>Per campaign key (empty: not attributed), the four conversions' counts (revenue in ten-thousandths), by each model.</summary>
public sealed class CampaignFigures
{
    [JsonPropertyName("firstTouch")]
    public SortedDictionary<string, long[]> FirstTouch { get; init; } = new(StringComparer.Ordinal);

    [JsonPropertyName("lastTouch")]
    public SortedDictionary<string, long[]> LastTouch { get; init; } = new(StringComparer.Ordinal);

    internal void Merge(CampaignFigures other)
    {
        FigureCounts.MergeCounts(FirstTouch, other.FirstTouch);
        FigureCounts.MergeCounts(LastTouch, other.LastTouch);
    }
}
