using System.Text.Json.Serialization;

namespace Funnel.Domain.Metrics;

/// <summary>
/// Campaign audiences beside the report: who qualifies as of the report day, by person key, with the one fact
/// that qualified them and nothing else about the person. Each list has exactly the persons the report counts:
/// high intent as <c>highIntent.persons</c>, churn warning and win-back (the dormant, to be woken) as the
/// <c>churnWarning</c> and <c>churned</c> lifecycle stages.
/// </summary>
public static class AudienceMetric
{
    public const string HighIntent = "high-intent";
    public const string ChurnWarning = "churn-warning";
    public const string WinBack = "win-back";

    /// <summary>Adds the person to the audiences their stage (<see cref="LifecycleMetric"/>) and open intent (<see cref="HighIntentMetric"/>) as counted for the report day put them in.</summary>
    internal static void Count(string personKey, PersonState person, CountingDay day, int stage, long? intentAt, AudienceFigures figures)
    {
        if (intentAt is { } at)
        {
            figures.HighIntent.Add(new AudienceMember(personKey, at));
        }
        if (stage is LifecycleMetric.ChurnWarning or LifecycleMetric.Churned && person.LatestActiveDayBy(day.Day) is { } lastActive)
        {
            (stage == LifecycleMetric.ChurnWarning ? figures.ChurnWarning : figures.WinBack).Add(new AudienceMember(personKey, lastActive));
        }
    }
}

/// <summary>A person in an audience and the fact that qualified them: an instant (Unix ms) or a day number, as the audience says.</summary>
public sealed record AudienceMember(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("fact")] long Fact);

/// <summary>The members of each audience; shards' lists are concatenated, the files sort them.</summary>
public sealed class AudienceFigures
{
    /// <summary>Fact: the time of the open cart or checkout.</summary>
    [JsonPropertyName("highIntent")]
    public List<AudienceMember> HighIntent { get; init; } = [];

    /// <summary>Fact: the last active day.</summary>
    [JsonPropertyName("churnWarning")]
    public List<AudienceMember> ChurnWarning { get; init; } = [];

    /// <summary>Fact: the last active day.</summary>
    [JsonPropertyName("winBack")]
    public List<AudienceMember> WinBack { get; init; } = [];

    internal void Merge(AudienceFigures other)
    {
        HighIntent.AddRange(other.HighIntent);
        ChurnWarning.AddRange(other.ChurnWarning);
        WinBack.AddRange(other.WinBack);
    }
}
