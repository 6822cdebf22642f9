using System.Globalization;

namespace Funnel.Events.Days;

/// <summary>
/// The one text form of a day, <c>yyyy-MM-dd</c> in the invariant culture: URLs and API answers, table keys, blob
/// names and metadata, report files and the CLI all write and read days this way.
/// </summary>
public static class ReportingDay
{
    private const string Pattern = "yyyy-MM-dd";

    /// <summary>The day as <c>yyyy-MM-dd</c>, whatever the current culture's calendar.</summary>
    public static string Format(DateOnly day) => day.ToString(Pattern, CultureInfo.InvariantCulture);

    /// <summary>Reads exactly what <see cref="Format"/> writes: no other order, no single digits, no spaces, no time of day.</summary>
    public static bool TryParse(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, Pattern, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>Reads a day as <see cref="TryParse"/> does; a <see cref="FormatException"/> names any other text.</summary>
    public static DateOnly Parse(string? text) =>
        TryParse(text, out var day) ? day : throw new FormatException(NotADay(text));

    /// <summary>Why <paramref name="text"/> was refused as a day, the words every API and upload answers with.</summary>
    public static string NotADay(string? text) => $"'{text}' is not a day in the form {Pattern}";
}
