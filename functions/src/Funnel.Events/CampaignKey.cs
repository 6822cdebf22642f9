namespace Funnel.Events;

/// <summary>
/// A campaign as an event's <c>context.campaign</c> names it (utm source, medium and name), kept as one string so a person's
/// state holds one reference per touch: the three parts joined by the unit separator, which no part may contain.
/// </summary>
public static class CampaignKey
{
    private const char Separator = '\u001f';

    /// <summary>The key, or null when the campaign has neither a source nor a name (then it says nothing about where the person came from).</summary>
    public static string? Of(string? source, string? medium, string? name)
    {
        source = Part(source);
        name = Part(name);
        return source is null && name is null ? null : string.Join(Separator, source ?? "", Part(medium) ?? "", name ?? "");
    }

    /// <summary>The parts of a key; an empty part comes back null.</summary>
    public static (string? Source, string? Medium, string? Name) Parts(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split(Separator);
        return parts.Length == 3 ? (Nullable(parts[0]), Nullable(parts[1]), Nullable(parts[2])) : (key, null, null);
    }

    private static string? Part(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().Replace(Separator, ' ');

    private static string? Nullable(string part) => part.Length == 0 ? null : part;
}
