using System.Globalization;
using Funnel.Functions.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Http;

/// <summary>
/// The read APIs' deadline for storage, the same as ingest's (<c>Ingest__StorageTimeout</c>): storage that fails or does not
/// answer in time gets the caller a 503 with <c>Retry-After</c> and a JSON reason at once, never a 500 after the storage
/// client's own retries (about 40 s), and never storage's own words.
/// </summary>
public sealed class StorageDeadline(IOptions<IngestOptions> options, ILogger<StorageDeadline> logger)
{
    public async Task<IResult> AnswerAsync(HttpRequest request, Func<CancellationToken, Task<IResult>> work, CancellationToken clientGone)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(work);
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        deadline.CancelAfter(options.Value.StorageTimeout);
        var answer = work(deadline.Token);
        // The caller gets the 503 when the deadline passes, not when the storage client has finished unwinding its
        // cancelled call (a frozen connection can take a while to give up); the work ends in the background.
        var timedOut = Task.Delay(options.Value.StorageTimeout, clientGone);
        _ = answer.ContinueWith(finished => { _ = finished.Exception; deadline.Dispose(); }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            if (await Task.WhenAny(answer, timedOut) == answer)
            {
                return await answer;
            }
            await deadline.CancelAsync();
            throw new OperationCanceledException("storage did not answer within the storage timeout");
        }
        catch (Exception ex) when (!clientGone.IsCancellationRequested
            && ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or IOException or AggregateException)
        {
            logger.LogWarning("{Path}: storage did not answer in time ({Error}); answering 503", request.Path, Funnel.Storage.StorageError.Describe(ex));
            request.HttpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return ApiProblem.Of(StatusCodes.Status503ServiceUnavailable, "storage", "storage is not answering; retry later");
        }
    }
}
