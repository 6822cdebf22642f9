using System.Globalization;
using Funnel.Events;
using Funnel.Events.Days;

namespace Funnel.Engine.Processing;

/// <summary>
/// Where one shard's slice lives in the <c>raw</c> container: <c>{day}/shard-{nn}/{batchId}.ndjson.gz</c>, where
/// <see cref="BatchId"/> names the group of batches written together (<c>g…</c>, see <see cref="RawBatchGroups"/>),
/// or one batch in blobs written before groups or by tools.
/// </summary>
public sealed record RawBlobName(DateOnly Day, int Shard, string BatchId)
{
    public const string Suffix = ".ndjson.gz";

    public string Path => $"{DayFolder(Day)}/{ShardRouter.FolderName(Shard)}/{BatchId}{Suffix}";

    /// <summary>The container's folder of one processing day: the day as <see cref="ReportingDay"/> writes it.</summary>
    public static string DayFolder(DateOnly day) => ReportingDay.Format(day);

    public override string ToString() => Path;

    /// <summary>Parses a path written by <see cref="Path"/>; false for anything else in the container.</summary>
    public static bool TryParse(string path, out RawBlobName name)
    {
        name = null!;
        var parts = path.Split('/');
        if (parts.Length != 3 || !parts[2].EndsWith(Suffix, StringComparison.Ordinal) || !parts[1].StartsWith("shard-", StringComparison.Ordinal)
            || !ReportingDay.TryParse(parts[0], out var day)
            || !int.TryParse(parts[1].AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var shard))
        {
            return false;
        }
        name = new RawBlobName(day, shard, parts[2][..^Suffix.Length]);
        return true;
    }
}
