using System.Globalization;

namespace Funnel.Oracle;

/// <summary>Days of the report's time zone, found the slow and obvious way.</summary>
public sealed class ZoneCalendar(string timeZone)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
    private readonly Dictionary<int, long> _starts = [];

    /// <summary>The day (as <see cref="DateOnly.DayNumber"/>) on which an instant falls in the zone.</summary>
    public int DayOf(long unixMs) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UnixEpoch.AddMilliseconds(unixMs), _zone)).DayNumber;

    /// <summary>The first instant (Unix ms) whose local date is <paramref name="day"/>: a binary search over a generous range around UTC midnight.</summary>
    public long StartOf(int day)
    {
        if (_starts.TryGetValue(day, out var known))
        {
            return known;
        }
        var utcMidnight = (long)(DateOnly.FromDayNumber(day).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalMilliseconds;
        long low = utcMidnight - 2 * ReportWindows.DayMs, high = utcMidnight + 2 * ReportWindows.DayMs;
        while (low < high)
        {
            var mid = low + (high - low) / 2;
            if (DayOf(mid) >= day)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return _starts[day] = low;
    }

    /// <summary>An instant as local time with the zone's offset then, to the millisecond: <c>2026-11-23T23:59:59.999+08:00</c>.</summary>
    public string LocalText(long unixMs)
    {
        var utc = DateTime.UnixEpoch.AddMilliseconds(unixMs);
        var offset = _zone.GetUtcOffset(utc);
        var local = utc + offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture,
            $"{local:yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff}{sign}{abs.Hours:00}:{abs.Minutes:00}");
    }

    public static string DayText(int day) => DateOnly.FromDayNumber(day).ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);
}
