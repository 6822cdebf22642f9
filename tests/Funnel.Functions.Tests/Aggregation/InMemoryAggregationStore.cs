using System.Collections.Concurrent;
using Funnel.Engine.Aggregation;

namespace Funnel.Functions.Tests.Aggregation;

/// <summary>The daily run's blobs in memory, with a record of what was read and written and faults to inject.</summary>
internal sealed class InMemoryAggregationStore : IAggregationStore, IDailyMetricsTable, Funnel.Events.Ingest.IIngestRefusalCounters
{
    private readonly ConcurrentDictionary<(DateOnly Day, int Shard), List<RawSlice>> _raw = new();
    private readonly ConcurrentDictionary<(int Shard, DateOnly Day), (byte[] Bytes, bool Provisional)> _states = new();
    private readonly ConcurrentDictionary<(DateOnly Day, int Shard), byte[]> _partials = new();
    private readonly ConcurrentDictionary<(DateOnly Day, int Shard), int> _failuresLeft = new();

    public ConcurrentDictionary<DateOnly, (byte[] Json, bool Provisional)> Reports { get; } = new();
    public ConcurrentQueue<DateOnly> ReportOrder { get; } = new();
    public ConcurrentDictionary<DateOnly, IReadOnlyDictionary<string, byte[]>> Files { get; } = new();
    public ConcurrentDictionary<(DateOnly Day, int Shard), int> RawReads { get; } = new();
    public ConcurrentDictionary<(DateOnly Day, string Metric), double> Metrics { get; } = new();

    public InMemoryAggregationStore(GeneratedRawData data)
    {
        foreach (var (name, bytes) in data.Blobs)
        {
            _raw.GetOrAdd((name.Day, name.Shard), _ => []).Add(new RawSlice("raw/" + name.Path, bytes));
        }
    }

    /// <summary>Reading the raw slices of (day, shard) throws <paramref name="times"/> times (int.MaxValue: always).</summary>
    public void FailRawReads(DateOnly day, int shard, int times) => _failuresLeft[(day, shard)] = times;

    public Task<DateOnly?> FirstRawDayAsync(CancellationToken cancellationToken) =>
        Task.FromResult<DateOnly?>(_raw.IsEmpty ? null : _raw.Keys.Min(k => k.Day));

    public Task<IReadOnlyList<RawSlice>> ReadRawAsync(DateOnly day, int shard, CancellationToken cancellationToken)
    {
        RawReads.AddOrUpdate((day, shard), 1, (_, n) => n + 1);
        if (_failuresLeft.TryGetValue((day, shard), out var left) && left > 0)
        {
            _failuresLeft[(day, shard)] = left == int.MaxValue ? left : left - 1;
            throw new IOException($"raw/{day:yyyy-MM-dd}/shard-{shard:00} is unreadable");
        }
        return Task.FromResult<IReadOnlyList<RawSlice>>(_raw.TryGetValue((day, shard), out var slices) ? slices : []);
    }

    public Task<IReadOnlyList<DateOnly>> RawDaysAsync(DateOnly after, DateOnly through, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DateOnly>>([.. _raw.Keys.Select(k => k.Day).Distinct().Where(d => d > after && d <= through).Order()]);

    public Task<long> RawBytesAsync(DateOnly day, CancellationToken cancellationToken) =>
        Task.FromResult(_raw.Where(r => r.Key.Day == day).Sum(r => r.Value.Sum(s => (long)s.GzipNdjson.Length)));

    public Task<IReadOnlyList<StoredState?>> StatesAsync(DateOnly day, int shards, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StoredState?>>([.. Enumerable.Range(0, shards).Select(s => _states.TryGetValue((s, day), out var state) ? new StoredState(!state.Provisional, state.Bytes.Length) : null)]);

    public List<HistoryImport> Imports { get; } = [];

    public Task<IReadOnlyList<HistoryImport>> ReadImportsAsync(CancellationToken cancellationToken)
    {
        lock (Imports)
        {
            return Task.FromResult<IReadOnlyList<HistoryImport>>([.. Imports]);
        }
    }

    public Task AddImportAsync(HistoryImport import, CancellationToken cancellationToken)
    {
        lock (Imports)
        {
            Imports.Add(import);
        }
        return Task.CompletedTask;
    }

    public Task<bool> HasFinalStateAsync(int shard, DateOnly day, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue((shard, day), out var s) && !s.Provisional);

    public Task<byte[]?> ReadStateAsync(int shard, DateOnly day, CancellationToken cancellationToken) =>
        Task.FromResult(_states.TryGetValue((shard, day), out var s) ? s.Bytes : null);

    public Task WriteStateAsync(int shard, DateOnly day, ReadOnlyMemory<byte> snapshot, bool provisional, CancellationToken cancellationToken, int? rawSlicesFolded = null)
    {
        _states[(shard, day)] = (snapshot.ToArray(), provisional);
        return Task.CompletedTask;
    }

    public Task WritePartialAsync(DateOnly day, int shard, ReadOnlyMemory<byte> figures, CancellationToken cancellationToken)
    {
        _partials[(day, shard)] = figures.ToArray();
        return Task.CompletedTask;
    }

    private readonly ConcurrentDictionary<HandOverName, byte[]> _handOvers = new();

    /// <summary>How many times each inbox (day, receiving shard) was read, and by which shard's fold.</summary>
    public ConcurrentDictionary<(DateOnly Day, int Shard), int> InboxReads { get; } = new();

    private (int From, int WritesLeft)? _failHandOver;

    /// <summary>The link step of shard <paramref name="from"/> fails once, after writing <paramref name="afterWrites"/> of its hand-overs.</summary>
    public void FailHandOverWritesOnce(int from, int afterWrites) => _failHandOver = (from, afterWrites);

    /// <summary>How many hand-over writes failed as told.</summary>
    public int HandOverWriteFailures { get; private set; }

    /// <summary>The hand-over files each inbox read returned, by (day, receiving shard).</summary>
    public ConcurrentDictionary<(DateOnly Day, int Shard), int> InboxFilesRead { get; } = new();

    public Task WriteHandOverAsync(HandOverName name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        lock (_handOvers)
        {
            if (_failHandOver is { } fail && fail.From == name.From)
            {
                if (fail.WritesLeft == 0)
                {
                    _failHandOver = null;
                    HandOverWriteFailures++;
                    throw new IOException($"partials inbox of shard {name.To} is unwritable");
                }
                _failHandOver = (fail.From, fail.WritesLeft - 1);
            }
        }
        _handOvers[name] = content.ToArray();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HandOverFile>> ReadHandOversAsync(DateOnly day, string run, int shard, IReadOnlyList<string> attempts, CancellationToken cancellationToken)
    {
        InboxReads.AddOrUpdate((day, shard), 1, (_, n) => n + 1);
        List<HandOverFile> files = [.. _handOvers
            .Where(h => h.Key.Day == day && h.Key.Run == run && h.Key.To == shard && h.Key.From < attempts.Count && attempts[h.Key.From] == h.Key.Attempt)
            .OrderBy(h => h.Key.From)
            .Select(h => new HandOverFile(h.Key.From, $"partials/{day:yyyy-MM-dd}/inbox/shard-{shard:00}/{run}/shard-{h.Key.From:00}.{h.Key.Attempt}.bin", h.Value))];
        InboxFilesRead.AddOrUpdate((day, shard), files.Count, (_, n) => n + files.Count);
        return Task.FromResult<IReadOnlyList<HandOverFile>>(files);
    }

    public Task DeleteHandOversAsync(DateOnly day, string run, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        foreach (var key in _handOvers.Keys.Where(k => k.Day == day && k.Run == run))
        {
            _handOvers.TryRemove(key, out _);
        }
        return Task.CompletedTask;
    }

    /// <summary>Hand-overs still stored (deleted once the day's report is out).</summary>
    public int HandOversStored => _handOvers.Count;

    public Task<byte[]> ReadPartialAsync(DateOnly day, int shard, CancellationToken cancellationToken) =>
        _partials.TryGetValue((day, shard), out var bytes) ? Task.FromResult(bytes) : throw new FileNotFoundException($"partials/{day:yyyy-MM-dd}/shard-{shard:00}.bin");

    public Task<IReadOnlyDictionary<string, Uri>> WriteReportAsync(DateOnly day, IReadOnlyDictionary<string, byte[]> files, bool provisional, CancellationToken cancellationToken)
    {
        Reports[day] = (files["report.json"], provisional);
        Files[day] = files;
        ReportOrder.Enqueue(day);
        return Task.FromResult<IReadOnlyDictionary<string, Uri>>(files.Keys.ToDictionary(f => f, f => new Uri($"memory://reports/{day:yyyy-MM-dd}/{f}")));
    }

    public Task<IReadOnlySet<DateOnly>> FinalReportDaysAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<DateOnly>>(Reports.Where(r => !r.Value.Provisional).Select(r => r.Key).ToHashSet());

    public Task WriteAsync(DateOnly day, IReadOnlyDictionary<string, double> metrics, bool provisional, CancellationToken cancellationToken)
    {
        foreach (var (metric, value) in metrics)
        {
            Metrics[(day, metric)] = value;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<DateOnly, double>> ReadAsync(string metric, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<DateOnly, double>>(Metrics.Where(m => m.Key.Metric == metric && m.Key.Day >= firstDay && m.Key.Day <= lastDay).ToDictionary(m => m.Key.Day, m => m.Value));

    /// <summary>Days whose raw folder is to look changed after their fold.</summary>
    public ConcurrentDictionary<DateOnly, bool> RawChangedAfterFold { get; } = new();

    public Task<bool> HasRawAfterFoldAsync(DateOnly day, int shards, CancellationToken cancellationToken) =>
        Task.FromResult(RawChangedAfterFold.TryRemove(day, out _));

    public Task AddAsync(DateOnly day, string reason, long count, CancellationToken cancellationToken) => Task.CompletedTask;

    Task<IReadOnlyList<Funnel.Events.Ingest.RejectedAtIngest>> Funnel.Events.Ingest.IIngestRefusalCounters.ReadAsync(DateOnly day, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Funnel.Events.Ingest.RejectedAtIngest>>([]);
}
