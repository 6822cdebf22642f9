namespace Funnel.Metrics;

/// <summary>
/// A name's display labels by language (<c>{"zh-CN": "注册", "en": "Signed up"}</c>), as steps and targets carry them in
/// the definitions; they change how the page reads, never a figure.
/// </summary>
public static class DisplayLabels
{
    /// <summary>The label for <paramref name="language"/> (<c>zh-CN</c>, else its primary subtag <c>zh</c>), or null when there is none.</summary>
    public static string? For(IReadOnlyDictionary<string, string>? labels, string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        if (labels is null)
        {
            return null;
        }
        var primary = language.Split('-')[0];
        string? fallback = null;
        foreach (var (key, value) in labels)
        {
            if (string.Equals(key, language, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
            fallback ??= string.Equals(key, primary, StringComparison.OrdinalIgnoreCase) ? value : null;
        }
        return fallback;
    }

    /// <summary>Adds each problem of <paramref name="labels"/> to <paramref name="problems"/>, named by its path under <paramref name="at"/>.</summary>
    public static void Validate(string at, IReadOnlyDictionary<string, string>? labels, List<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (labels is null)
        {
            return;
        }
        foreach (var (language, label) in labels)
        {
            if (string.IsNullOrWhiteSpace(language))
            {
                problems.Add(new($"{at}.labels", "a language key must not be empty, e.g. \"zh-CN\" or \"en\""));
            }
            else if (string.IsNullOrWhiteSpace(label))
            {
                problems.Add(new($"{at}.labels.{language}", "must be a non-empty string"));
            }
        }
    }
}
