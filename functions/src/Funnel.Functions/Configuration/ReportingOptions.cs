namespace Funnel.Functions.Configuration;

/// <summary>The <c>Reporting</c> settings.</summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>IANA id of the zone whose midnights delimit report days.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Language of the HTML report's labels and number formats: <c>en</c> or <c>zh-CN</c>.</summary>
    [System.ComponentModel.DataAnnotations.RegularExpression("^(en|zh-CN)$", ErrorMessage = "Reporting:Language must be en or zh-CN")]
    public string Language { get; set; } = "en";
}
