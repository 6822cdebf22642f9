namespace Funnel.Functions.Configuration;

/// <summary>The <c>Reporting</c> settings.</summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>IANA id of the zone whose midnights delimit report days.</summary>
    public string TimeZone { get; set; } = "UTC";
}
