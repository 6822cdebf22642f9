using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Privacy;

/// <summary>Log messages of the erasure (never an id: requests are named by their own id).</summary>
internal static partial class ErasureLogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "The erasure round after {Day} failed; its requests stay pending for the next run: {Reason}")]
    public static partial void LogErasureRoundFailed(this ILogger logger, DateOnly day, string reason);
}
