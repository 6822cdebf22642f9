using Funnel.Metrics;

namespace Funnel.Testing;

/// <summary>The definitions documents in memory, as the function app keeps them in the <c>config</c> container.</summary>
public sealed class InMemoryDefinitionsStore : IDefinitionsStore
{
    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);
    private string? _inForce;

    public Task<string?> ReadInForceAsync(CancellationToken cancellationToken)
    {
        lock (_versions)
        {
            return Task.FromResult(_inForce);
        }
    }

    public Task<string?> ReadVersionAsync(string version, CancellationToken cancellationToken)
    {
        lock (_versions)
        {
            return Task.FromResult(_versions.GetValueOrDefault(version));
        }
    }

    public Task PutInForceAsync(string version, string document, CancellationToken cancellationToken)
    {
        lock (_versions)
        {
            _versions[version] = document;
            _inForce = document;
        }
        return Task.CompletedTask;
    }
}

/// <summary>The spend table in memory: one row per day and channel, the last put wins.</summary>
public sealed class InMemorySpendTable : ISpendTable
{
    private readonly Dictionary<(DateOnly, string), SpendRow> _rows = [];

    public Task PutAsync(IReadOnlyList<SpendRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_rows)
        {
            foreach (var row in rows)
            {
                _rows[(row.Day, row.Channel)] = row;
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SpendRow>> ReadAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        lock (_rows)
        {
            return Task.FromResult<IReadOnlyList<SpendRow>>([.. _rows.Values.Where(r => r.Day >= first && r.Day <= last)]);
        }
    }
}
