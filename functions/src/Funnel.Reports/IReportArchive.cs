namespace Funnel.Reports;

/// <summary>The published report files, as the reports API serves them.</summary>
public interface IReportArchive
{
    /// <summary>Days that have a report, newest first, each with whether it is provisional.</summary>
    Task<IReadOnlyList<(DateOnly Day, bool Provisional)>> ListDaysAsync(CancellationToken cancellationToken);

    /// <summary>A report file of a day, or of <c>latest</c> when <paramref name="day"/> is null; null when there is none.</summary>
    Task<ReportFile?> ReadAsync(DateOnly? day, string file, CancellationToken cancellationToken);
}

/// <summary>One report file with the entity tag of its stored version (quoted, as an ETag header carries it).</summary>
public sealed record ReportFile(byte[] Content, string ContentType, string ETag, DateOnly Day);
