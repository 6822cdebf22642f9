using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Configuration;

/// <summary>Binds a settings section whose bad values stop the host at start, each message naming the app setting to fix.</summary>
public static class ValidatedSettings
{
    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/>, checked at start by its data annotations and <see cref="IValidatableObject"/> rules.</summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
        this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SettingRules<TOptions>(section));
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Checks the annotations property by property with the app setting as the display name, so a message reads
    /// "The field Pipeline__Shards must be between 1 and 256." rather than naming a class member; then the
    /// options' own <see cref="IValidatableObject"/> rules, whose messages name their settings themselves.
    /// </summary>
    private sealed class SettingRules<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string section)
        : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var results = new List<ValidationResult>();
            foreach (var property in typeof(TOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.CanRead && property.GetIndexParameters().Length == 0)
                {
                    var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = $"{section}__{property.Name}" };
                    Validator.TryValidateProperty(property.GetValue(options), context, results);
                }
            }
            if (options is IValidatableObject validatable)
            {
                results.AddRange(validatable.Validate(new ValidationContext(options)));
            }
            var failures = results.Select(r => r.ErrorMessage).OfType<string>().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
