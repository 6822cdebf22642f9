using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Reporting</c> settings.</summary>
public sealed class ReportingOptions : IValidatableObject
{
    public const string Section = "Reporting";

    /// <summary>IANA id of the zone whose midnights delimit report days.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Language of the HTML report's labels and number formats: <c>en</c> or <c>zh-CN</c>.</summary>
    [RegularExpression("^(en|zh-CN)$", ErrorMessage = "{0} must be en or zh-CN")]
    public string Language { get; set; } = "en";

    /// <summary>A zone this machine does not know would fail the clock and every day's run on first use, not at start.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Reporting__TimeZone must be an IANA time zone id such as UTC or Asia/Shanghai, not '{TimeZone}'", [nameof(TimeZone)]);
        }
    }
}
