using Azure;

namespace Funnel.Storage;

/// <summary>A one-line description of a storage failure for logs: the service's error code or the transport's complaint, no response dump.</summary>
public static class StorageError
{
    public static string Describe(Exception error) => error switch
    {
        RequestFailedException { ErrorCode: { Length: > 0 } code } failed => $"{failed.Status} {code}",
        RequestFailedException failed when failed.Status != 0 => $"HTTP {failed.Status}",
        RequestFailedException failed => failed.InnerException?.Message ?? "no response",
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 => Describe(aggregate.InnerExceptions[^1]),
        OperationCanceledException => "no answer within the network timeout",
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}
