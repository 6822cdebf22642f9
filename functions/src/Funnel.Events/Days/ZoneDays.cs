namespace Funnel.Events.Days;

/// <summary>Day numbers (<see cref="DateOnly.DayNumber"/>) of instants in the reporting zone, and where those days start.</summary>
public sealed class ZoneDays(TimeZoneInfo zone)
{
    private const long HourMs = 3_600_000;
    private const long DayMs = 86_400_000;
    private static readonly int UnixEpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
    private readonly Dictionary<long, int> _offsetByHour = [];

    public TimeZoneInfo Zone => zone;

    /// <summary>The reporting-zone day of an instant (Unix ms). Zone offsets are looked up once per hour of time and cached.</summary>
    public int DayOf(long unixMs)
    {
        var hour = Math.DivRem(unixMs, HourMs, out var rest) - (rest < 0 ? 1 : 0);
        int offsetMs;
        lock (_offsetByHour)
        {
            if (!_offsetByHour.TryGetValue(hour, out offsetMs))
            {
                var start = zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(hour * HourMs));
                var end = zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(hour * HourMs + HourMs - 1));
                // An hour holding a transition is not cached; its instants are converted one by one.
                offsetMs = start == end ? (int)start.TotalMilliseconds : int.MinValue;
                _offsetByHour[hour] = offsetMs;
            }
        }
        if (offsetMs == int.MinValue)
        {
            return DayIn(zone, DateTimeOffset.FromUnixTimeMilliseconds(unixMs)).DayNumber;
        }
        return (int)Math.Floor((unixMs + offsetMs) / (double)DayMs) + UnixEpochDay;
    }

    /// <summary>The day an instant falls on in a zone, converted directly (no cache).</summary>
    public static DateOnly DayIn(TimeZoneInfo zone, DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>Unix ms of the UTC midnight that starts the day, shifted by whole days: a zone-free bound for "n days ago".</summary>
    public static long UtcStartOf(int dayNumber) => (long)(dayNumber - UnixEpochDay) * DayMs;

    /// <summary>Unix ms of the local midnight (or the first valid local time after it) that starts the day in the zone.</summary>
    public long StartOfDay(int dayNumber)
    {
        var local = DateOnly.FromDayNumber(dayNumber).ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
    }
}
