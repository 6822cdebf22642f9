using System.Globalization;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events.Days;
using Funnel.Functions.Http;
using Funnel.Metrics;
using Funnel.Reports;
using Funnel.Reports.Rendering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Net.Http.Headers;

namespace Funnel.Functions.Reports;

/// <summary>
/// The reports API for business teams' tools: the days available, a day's (or the latest) report as JSON,
/// CSV or HTML, and a metric's daily series. Authenticated by a read key (<c>Authorization: Bearer</c>),
/// never a write key. Files carry an ETag; a matching <c>If-None-Match</c> gets 304.
/// </summary>
public sealed class ReportsApi(IReportArchive archive, IReadKeyDirectory readKeys, IDailyMetricsTable dailyMetrics, ReportingClock clock, TimeProvider time, StorageDeadline deadline)
{
    private static readonly string[] Files = ["report.json", "report.csv", "report.html"];

    /// <summary>Longest series one request may ask for.</summary>
    public const int MaxSeriesDays = 731;

    [Function("ListReports")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports")] HttpRequest request,
        CancellationToken cancellationToken) =>
        deadline.AnswerAsync(request, ct => ListWithinAsync(request, ct), cancellationToken);

    private async Task<IResult> ListWithinAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await RefusalAsync(request, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        var days = await archive.ListDaysAsync(cancellationToken);
        var root = PublicLinks.To(request, "reports");
        return TypedResults.Ok(new ReportIndex(days.Select(d => new ReportEntry(
            ReportingDay.Format(d.Day), d.Provisional,
            Files.ToDictionary(f => f[(f.IndexOf('.', StringComparison.Ordinal) + 1)..], f => $"{root}/{ReportingDay.Format(d.Day)}/{f}"))).ToList()));
    }

    [Function("GetReport")]
    public async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/{day}/{file}")] HttpRequest request,
        string day,
        string file,
        CancellationToken cancellationToken)
    {
        if (!Files.Contains(file, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status404NotFound, "file", $"'{file}' is not a report file; ask for {string.Join(", ", Files)}");
        }
        return await deadline.AnswerAsync(request, ct => ServeAsync(request, day, file, ct), cancellationToken);
    }

    /// <summary>An audience list beside a day's report (<c>high-intent.csv</c>, <c>win-back.csv</c>…, every one of <see cref="AudienceMetric.Names"/>).</summary>
    [Function("GetAudience")]
    public async Task<IResult> GetAudienceAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/{day}/audiences/{file}")] HttpRequest request,
        string day,
        string file,
        CancellationToken cancellationToken)
    {
        if (!AudienceFiles.Contains(file, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status404NotFound, "file", $"'{file}' is not an audience file; ask for {string.Join(", ", AudienceFiles)}");
        }
        return await deadline.AnswerAsync(request, ct => ServeAsync(request, day, AudienceMetric.FileName(file[..^".csv".Length]), ct), cancellationToken);
    }

    private static readonly string[] AudienceFiles = [.. AudienceMetric.Names.Select(a => a + ".csv")];

    private async Task<IResult> ServeAsync(HttpRequest request, string day, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await RefusalAsync(request, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        DateOnly? date = null;
        if (day != "latest")
        {
            if (!ReportingDay.TryParse(day, out var parsed))
            {
                return Problem(StatusCodes.Status400BadRequest, "day", $"'{day}' is not a day in the form yyyy-MM-dd, nor 'latest'");
            }
            date = parsed;
        }
        var found = await archive.ReadAsync(date, file, cancellationToken);
        if (found is null)
        {
            return Problem(StatusCodes.Status404NotFound, "day", date is null ? "no report has been published yet" : $"there is no report for {day}: the day has not been run (or has no data)");
        }
        var response = request.HttpContext.Response;
        var etag = found.ETag;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "private, no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        // The page needs no script and fetches nothing; say so, so a browser enforces it.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";
        if (request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Contains(etag)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(found.Content, found.ContentType);
    }

    [Function("GetMetric")]
    public Task<IResult> MetricAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "metrics/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken) =>
        deadline.AnswerAsync(request, ct => MetricWithinAsync(request, name, ct), cancellationToken);

    private async Task<IResult> MetricWithinAsync(
        HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await RefusalAsync(request, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        var to = clock.DayOf(time.GetUtcNow());
        if (request.Query["to"] is { Count: > 0 } toText && !ReportingDay.TryParse(toText, out to))
        {
            return Problem(StatusCodes.Status400BadRequest, "to", ReportingDay.NotADay(toText));
        }
        // The default range reaches 89 days back; a 'to' in the calendar's first days starts it on the calendar's first day.
        var from = DateOnly.FromDayNumber(Math.Max(DateOnly.MinValue.DayNumber, to.DayNumber - 89));
        if (request.Query["from"] is { Count: > 0 } fromText && !ReportingDay.TryParse(fromText, out from))
        {
            return Problem(StatusCodes.Status400BadRequest, "from", ReportingDay.NotADay(fromText));
        }
        if (from > to)
        {
            return Problem(StatusCodes.Status400BadRequest, "to", $"{ReportingDay.Format(to)} is before from {ReportingDay.Format(from)}: the range must run forwards");
        }
        if (to.DayNumber - from.DayNumber >= MaxSeriesDays)
        {
            return Problem(StatusCodes.Status400BadRequest, "from", $"the range from {ReportingDay.Format(from)} to {ReportingDay.Format(to)} covers {to.DayNumber - from.DayNumber + 1} days; at most {MaxSeriesDays}");
        }
        if (!HeadlineFigures.Names.Contains(name, StringComparer.Ordinal))
        {
            return Problem(StatusCodes.Status404NotFound, "name", $"'{name}' is not a daily metric; known: {string.Join(", ", HeadlineFigures.Names)}");
        }
        var series = await dailyMetrics.ReadAsync(name, from, to, cancellationToken);
        return TypedResults.Ok(new MetricSeries(name, ReportingDay.Format(from), ReportingDay.Format(to),
            series.Select(p => new MetricPoint(ReportingDay.Format(p.Key), p.Value)).ToList()));
    }

    /// <summary>Null when the request carries a known read key; otherwise the 401 to answer.</summary>
    private async Task<IResult?> RefusalAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        string? reason = null;
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length)
        {
            reason = "missing: send a read key as Authorization: Bearer <key> (create one with funnel keys create-read)";
        }
        else if (!await readKeys.IsKnownAsync(header[scheme.Length..].Trim(), cancellationToken))
        {
            reason = "unknown or revoked read key (write keys do not open the reports API)";
        }
        if (reason is null)
        {
            return null;
        }
        request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return Problem(StatusCodes.Status401Unauthorized, HeaderNames.Authorization, reason);
    }

    private static JsonHttpResult<ApiErrors> Problem(int status, string field, string reason) => ApiProblem.Of(status, field, reason);
}

/// <summary>The days with a report, newest first.</summary>
public sealed record ReportIndex(IReadOnlyList<ReportEntry> Reports);

public sealed record ReportEntry(string Day, bool Provisional, IReadOnlyDictionary<string, string> Links);

/// <summary>A metric's daily values from the DailyMetrics table.</summary>
public sealed record MetricSeries(string Name, string From, string To, IReadOnlyList<MetricPoint> Points);

public sealed record MetricPoint(string Day, double Value);
