using System.Text.Json;
using System.Text.Json.Serialization;

namespace Funnel.Domain.Notifications;

/// <summary>
/// A message the pipeline sends to other teams' systems: <c>report.published</c> when a day's report is
/// written, <c>run.failed</c> when a day's run gives up. The JSON body is the contract consumers read.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ReportPublished), ReportPublished.KindName)]
[JsonDerivedType(typeof(RunFailed), RunFailed.KindName)]
public abstract record PipelineNotification([property: JsonPropertyName("day")] DateOnly Day)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>Same notification, same id: a retried send is recognisably the same message.</summary>
    [JsonIgnore]
    public virtual string Id => $"{Kind}-{Day:yyyy-MM-dd}";

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
