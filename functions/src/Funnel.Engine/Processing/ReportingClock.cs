using Funnel.Events.Days;

namespace Funnel.Engine.Processing;

/// <summary>Turns instants into reporting days in the configured IANA time zone.</summary>
public sealed class ReportingClock
{
    public ReportingClock(string timeZoneId)
    {
        try
        {
            Zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"Reporting:TimeZone '{timeZoneId}' is not a known IANA time zone id (e.g. UTC, Asia/Shanghai)", nameof(timeZoneId), ex);
        }
    }

    public TimeZoneInfo Zone { get; }

    public DateOnly DayOf(DateTimeOffset instant) => ZoneDays.DayIn(Zone, instant);
}
