using Funnel.Engine.Aggregation;

namespace Funnel.Testing;

/// <summary>Stored runs in memory, for hosts whose storage is mocked.</summary>
public sealed class InMemoryRunHistory : IRunHistory
{
    private readonly Dictionary<(DateOnly Day, string InstanceId), RunRecord> _runs = [];

    public Task RecordAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_runs)
        {
            _runs[(run.Day, run.InstanceId)] = run;
        }
        return Task.CompletedTask;
    }

    public Task<RunRecord?> LatestAsync(DateOnly day, CancellationToken cancellationToken)
    {
        lock (_runs)
        {
            return Task.FromResult(_runs.Values.Where(r => r.Day == day).MaxBy(r => r.StartedAt));
        }
    }
}
