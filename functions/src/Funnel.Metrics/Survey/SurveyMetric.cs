using System.Globalization;
using System.Text.Json.Serialization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Metrics;

public sealed partial class PersonState
{
    /// <summary>Survey answers of the last month (time, score 0-10), sorted: all NPS needs.</summary>
    public List<(long At, int Score)> SurveyAnswers { get; } = [];
}

/// <summary>
/// 净推荐值 NPS, the growing stage's KPI: over the persons who answered the survey in the 30 days ending on the report day,
/// each by their latest answer by then (one respondent, one vote), promoters (9-10) minus detractors (0-6), in points of -100..100.
/// An answer whose score is not a whole number from 0 to 10 is not an answer.
/// </summary>
public static class SurveyMetric
{
    /// <summary>Answers count on the 30 days ending on the report day.</summary>
    public const int AnswerDays = 30;

    public const int PromoterFrom = 9, DetractorUpTo = 6;

    private const long ZoneSlackMs = 14 * 3_600_000L;

    internal static void Observe(PersonState person, ProductEvent e, MetricDefinitions definitions)
    {
        var survey = definitions.SurveyInForce;
        if (e.Type == EventType.Track && e.Name == survey.Event && Score(e, survey.ScoreProperty) is { } score)
        {
            PersonState.InsertKeepingEqual(person.SurveyAnswers, (e.Timestamp, score));
        }
    }

    /// <summary>The whole score 0-10 the event carries ("9", 9, 9.0 and 9e0 alike), else null.</summary>
    public static int? Score(ProductEvent e, string property)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Properties is { } properties && properties.TryGetValue(property, out var text)
            && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && value == decimal.Truncate(value) && value is >= 0 and <= 10
            ? (int)value
            : null;
    }

    /// <summary>Two answers at the same time are two answers (two messages), as two purchases are.</summary>
    internal static void Merge(PersonState person, PersonState other)
    {
        foreach (var answer in other.SurveyAnswers)
        {
            PersonState.InsertKeepingEqual(person.SurveyAnswers, answer);
        }
    }

    /// <summary>Answers older than the window of processing day <paramref name="day"/>'s report (with a zone's slack) are not needed again.</summary>
    internal static void Forget(PersonState person, int day)
    {
        var cutoff = ZoneDays.UtcStartOf(day - AnswerDays + 1) - ZoneSlackMs;
        var old = 0;
        while (old < person.SurveyAnswers.Count && person.SurveyAnswers[old].At < cutoff)
        {
            old++;
        }
        person.SurveyAnswers.RemoveRange(0, old);
    }

    internal static void Count(PersonState person, CountingDay day, SurveyFigures figures)
    {
        var d = day.Day;
        for (var i = person.SurveyAnswers.Count - 1; i >= 0; i--)
        {
            var (at, score) = person.SurveyAnswers[i];
            var answerDay = day.DayOf(at);
            if (answerDay > d)
            {
                continue;
            }
            if (answerDay > d - AnswerDays)
            {
                figures.Respondents++;
                figures.Promoters += score >= PromoterFrom ? 1 : 0;
                figures.Detractors += score <= DetractorUpTo ? 1 : 0;
            }
            return;
        }
    }

    /// <summary>NPS in points to two places; null without respondents.</summary>
    public static double? Nps(SurveyFigures figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return figures.Respondents == 0 ? null
            : (double)Math.Round(100m * (figures.Promoters - figures.Detractors) / figures.Respondents, 2, MidpointRounding.AwayFromZero);
    }
}

public sealed class SurveyFigures
{
    [JsonPropertyName("respondents")]
    public long Respondents { get; set; }

    [JsonPropertyName("promoters")]
    public long Promoters { get; set; }

    [JsonPropertyName("detractors")]
    public long Detractors { get; set; }

    internal void Merge(SurveyFigures other)
    {
        Respondents += other.Respondents;
        Promoters += other.Promoters;
        Detractors += other.Detractors;
    }
}
