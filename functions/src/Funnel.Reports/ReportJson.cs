using System.Text.Json;

namespace Funnel.Reports;

/// <summary>How <c>report.json</c> is written, in one place: indented, Chinese and other non-ASCII text as is (JSON-escaped only where JSON requires it).</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(DailyReport report) => JsonSerializer.SerializeToUtf8Bytes(report, Options);
}
