using System.Globalization;
using System.Text;
using Funnel.Events.Ingest;
using Funnel.Metrics;

namespace Funnel.Reports.Rendering;

/// <summary>
/// The audience files beside a report, <c>audiences/{name}.csv</c>: a header and one row per person, the person
/// key then the fact that qualified them, sorted by person key; UTF-8 with BOM and quoting as <c>report.csv</c>.
/// </summary>
public static class AudienceCsv
{
    /// <summary>File name (under the report's day) to its bytes, one per audience, also when an audience is empty.</summary>
    public static IReadOnlyDictionary<string, byte[]> Render(AudienceFigures audiences)
    {
        ArgumentNullException.ThrowIfNull(audiences);
        static string Instant(long at) => Iso8601.Format(DateTimeOffset.FromUnixTimeMilliseconds(at));
        static string Day(long day) => ReportNumbers.Day((int)day);
        static string Money(long amount4) => (amount4 / ReportNumbers.MoneyUnit).ToString("0.00##", CultureInfo.InvariantCulture);
        var facts = new Dictionary<string, (string Column, Func<long, string> Format)>(StringComparer.Ordinal)
        {
            [AudienceMetric.NewUsers] = ("signupDay", Day),
            [AudienceMetric.ActivatedNoPurchase] = ("activatedAt", Instant),
            [AudienceMetric.ActiveNeverPaid] = ("lastActiveDay", Day),
            [AudienceMetric.HighIntent] = ("intentAt", Instant),
            [AudienceMetric.FirstPurchaseNoRepurchase] = ("firstPurchaseAt", Instant),
            [AudienceMetric.HighValue] = ("revenue90", Money),
            [AudienceMetric.ChurnWarning] = ("lastActiveDay", Day),
            [AudienceMetric.WinBack] = ("lastActiveDay", Day),
        };
        var members = audiences.ByName();
        return AudienceMetric.Names.ToDictionary(AudienceMetric.FileName, name => Render(facts[name].Column, members[name], facts[name].Format), StringComparer.Ordinal);
    }

    private static byte[] Render(string factColumn, List<AudienceMember> members, Func<long, string> fact)
    {
        var csv = new StringBuilder().Append("person,").Append(factColumn).Append("\r\n");
        foreach (var member in members.OrderBy(m => m.Person, StringComparer.Ordinal))
        {
            csv.Append(ReportCsv.Cell(member.Person)).Append(',').Append(fact(member.Fact)).Append("\r\n");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}
