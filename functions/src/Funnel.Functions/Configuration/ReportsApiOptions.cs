using System.ComponentModel.DataAnnotations;

namespace Funnel.Functions.Configuration;

/// <summary>The <c>Reports</c> settings of the reports API.</summary>
public sealed class ReportsApiOptions : IValidatableObject
{
    public const string Section = "Reports";

    /// <summary>Read keys besides those stored hashed in the ReadKeys table (<c>Reports__ReadKeys__0</c>, …), for local runs.</summary>
    public List<string> ReadKeys { get; set; } = [];

    /// <summary>A key with white space at either end would never open the API: the key a caller sends is trimmed before it is checked.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ReadKeys.Any(key => !string.IsNullOrWhiteSpace(key) && key.Trim().Length != key.Length))
        {
            yield return new ValidationResult("Reports__ReadKeys__N: a key starts or ends with white space, which no caller's key can match", [nameof(ReadKeys)]);
        }
    }
}
