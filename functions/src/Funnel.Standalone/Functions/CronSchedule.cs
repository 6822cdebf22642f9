using System.Globalization;

namespace Funnel.Standalone.Functions;

/// <summary>
/// A six-field CRON schedule as timer triggers write them (<c>second minute hour day month day-of-week</c>,
/// UTC): each field <c>*</c>, a number, a range <c>a-b</c>, a step <c>*/n</c> or <c>a-b/n</c>, or a list of those.
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[][] _fields;

    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

    private CronSchedule(bool[][] fields) => _fields = fields;

    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field CRON schedule (second minute hour day month day-of-week)");
        }
        return new CronSchedule(parts.Select((part, i) => Field(part, Ranges[i].Min, Ranges[i].Max, expression)).ToArray());
    }

    /// <summary>The first matching instant strictly after <paramref name="after"/>, within five years.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = after.ToUniversalTime();
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_fields[4][t.Month] || !_fields[3][t.Day] || !_fields[5][(int)t.DayOfWeek])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1);
            }
            else if (!_fields[2][t.Hour])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
            }
            else if (!_fields[1][t.Minute])
            {
                t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1);
            }
            else if (!_fields[0][t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return t;
            }
        }
        throw new InvalidOperationException("the schedule matches no instant in the next five years");
    }

    private static bool[] Field(string text, int min, int max, string expression)
    {
        var allowed = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            var (range, step) = item.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
                _ => throw new FormatException($"'{item}' in '{expression}' is not a CRON field"),
            };
            var (from, to) = range == "*" ? (min, max) : range.Split('-') switch
            {
                [var a] when Number(a, min, max) is { } v => (v, v),
                [var a, var b] when Number(a, min, max) is { } x && Number(b, min, max) is { } y && x <= y => (x, y),
                _ => throw new FormatException($"'{item}' in '{expression}' is not a CRON field with values {min}-{max}"),
            };
            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }
        return allowed;
    }

    private static int? Number(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v : null;
}
