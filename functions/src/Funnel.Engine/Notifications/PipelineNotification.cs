using System.Text.Json;
using System.Text.Json.Serialization;
using Funnel.Events.Days;

namespace Funnel.Engine.Notifications;

/// <summary>
/// A message the pipeline sends to other teams' systems: <c>report.published</c> when a day's report is
/// written, <c>run.failed</c> when a day's run gives up, <c>target.missed</c> for each red target of a final report. The JSON body is the contract consumers read.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ReportPublished), ReportPublished.KindName)]
[JsonDerivedType(typeof(RunFailed), RunFailed.KindName)]
[JsonDerivedType(typeof(TargetMissed), TargetMissed.KindName)]
public abstract record PipelineNotification([property: JsonPropertyName("day")] DateOnly Day)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>Same notification, same id: a retried send is recognisably the same message.</summary>
    [JsonIgnore]
    public virtual string Id => $"{Kind}-{ReportingDay.Format(Day)}";

    /// <summary>Its name in the <c>notifications</c> log under the day's folder, without extension.</summary>
    [JsonIgnore]
    public virtual string LogName => Kind;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static PipelineNotification FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<PipelineNotification>(json, Json) ?? throw new FormatException("notification body is null");
}

/// <summary><c>report.published</c>: where the day's report files are and its headline figures.</summary>
public sealed record ReportPublished(
    DateOnly Day,
    [property: JsonPropertyName("reports")] IReadOnlyDictionary<string, Uri> Reports,
    [property: JsonPropertyName("headline")] IReadOnlyDictionary<string, double> Headline,
    [property: JsonPropertyName("provisional")] bool Provisional = false) : PipelineNotification(Day)
{
    public const string KindName = "report.published";

    /// <summary>A provisional report (a run of a day that has not closed) has its own id, so the final one is never taken for a duplicate.</summary>
    [JsonIgnore]
    public override string Id => Provisional ? $"{base.Id}-provisional-{Headline.GetValueOrDefault("events.folded"):0}" : base.Id;

    [JsonIgnore]
    public override string Kind => KindName;
}

/// <summary><c>run.failed</c>: the day's run ended without a report, and why.</summary>
public sealed record RunFailed(DateOnly Day, [property: JsonPropertyName("reason")] string Reason) : PipelineNotification(Day)
{
    public const string KindName = "run.failed";

    [JsonIgnore]
    public override string Kind => KindName;
}

/// <summary><c>target.missed</c>: a target of the day's final report is red; sent once per day and figure, however often the day runs.</summary>
public sealed record TargetMissed(
    DateOnly Day,
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("actual")] double Actual,
    [property: JsonPropertyName("target")] double Target,
    [property: JsonPropertyName("better")] string Better,
    [property: JsonPropertyName("attainment")] double? Attainment) : PipelineNotification(Day)
{
    public const string KindName = "target.missed";

    /// <summary>The figure path as a short digest: paths may be long or hold characters a message id or blob name should not.</summary>
    [JsonIgnore]
    public string FigureKey => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Figure)).AsSpan(0, 8));

    [JsonIgnore]
    public override string Id => $"{base.Id}-{FigureKey}";

    [JsonIgnore]
    public override string LogName => $"{Kind}-{FigureKey}";

    [JsonIgnore]
    public override string Kind => KindName;
}
