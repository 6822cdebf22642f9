using System.Globalization;
using System.Text.RegularExpressions;

namespace Funnel.Domain.Ingest;

/// <summary>Strict ISO-8601 date-time parsing: the loose <see cref="DateTimeOffset.TryParse(string?, out DateTimeOffset)"/> accepts "11/24/2026" and friends.</summary>
public static partial class Iso8601
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>Parses an ISO-8601 instant; one without an offset is taken as UTC, as Segment does.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && text.Length <= 40 && Shape().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private const string Pattern = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="value"/> as <see cref="Format"/> does, straight as UTF-8 (no string per instant: ingest writes four per event).</summary>
    public static void Write(System.Text.Json.Utf8JsonWriter writer, System.Text.Json.JsonEncodedText name, DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> utf8 = stackalloc byte[32];
        if (!value.UtcDateTime.TryFormat(utf8, out var written, Pattern, CultureInfo.InvariantCulture))
        {
            throw new FormatException($"{value:O} does not fit the stored instant format");
        }
        writer.WriteString(name, utf8[..written]);
    }
}
