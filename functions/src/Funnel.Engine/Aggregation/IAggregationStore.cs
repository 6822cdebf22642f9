using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>
/// What a daily run reads and writes, by what it holds: raw slices, state snapshots, partial figures and
/// report files. Everything is overwritten by name, so running an activity twice writes the same bytes.
/// </summary>
public interface IAggregationStore
{
    /// <summary>The first processing day with raw events, or null when there are none.</summary>
    Task<DateOnly?> FirstRawDayAsync(CancellationToken cancellationToken);

    /// <summary>The raw slices of one day and shard, gzip NDJSON, in name order (empty when the day has none).</summary>
    Task<IReadOnlyList<RawSlice>> ReadRawAsync(DateOnly day, int shard, CancellationToken cancellationToken);

    /// <summary>Every raw folder (processing day) from <paramref name="after"/> (excluded) to <paramref name="through"/>, from one listing.</summary>
    Task<IReadOnlyList<DateOnly>> RawDaysAsync(DateOnly after, DateOnly through, CancellationToken cancellationToken);

    /// <summary>Every history import recorded (<see cref="HistoryImport"/>), oldest first; empty when none.</summary>
    Task<IReadOnlyList<HistoryImport>> ReadImportsAsync(CancellationToken cancellationToken);

    /// <summary>Records a history import beside those before it.</summary>
    Task AddImportAsync(HistoryImport import, CancellationToken cancellationToken);

    /// <summary>True when the shard's snapshot of <paramref name="day"/> exists and is final (a provisional run's does not count).</summary>
    Task<bool> HasFinalStateAsync(int shard, DateOnly day, CancellationToken cancellationToken);

    /// <summary>How many bytes the raw slices of <paramref name="day"/> hold, from one listing.</summary>
    Task<long> RawBytesAsync(DateOnly day, CancellationToken cancellationToken);

    /// <summary>Each shard's snapshot of <paramref name="day"/> (index = shard): whether it is final and its size; null where there is none.</summary>
    Task<IReadOnlyList<StoredState?>> StatesAsync(DateOnly day, int shards, CancellationToken cancellationToken);

    /// <summary>The shard's snapshot of <paramref name="day"/>, or null when there is none.</summary>
    Task<byte[]?> ReadStateAsync(int shard, DateOnly day, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the shard's snapshot of <paramref name="day"/>; <paramref name="rawSlicesFolded"/> is how many raw slices of the day the
    /// run read (null: unknown, e.g. an erasure's rewrite), so a slice written since is noticed whatever the clocks say.
    /// </summary>
    Task WriteStateAsync(int shard, DateOnly day, ReadOnlyMemory<byte> snapshot, bool provisional, CancellationToken cancellationToken, int? rawSlicesFolded = null);

    Task WritePartialAsync(DateOnly day, int shard, ReadOnlyMemory<byte> figures, CancellationToken cancellationToken);

    /// <summary>Throws <see cref="FileNotFoundException"/> naming the blob when the shard's partial is missing.</summary>
    Task<byte[]> ReadPartialAsync(DateOnly day, int shard, CancellationToken cancellationToken);

    /// <summary>Writes what one shard's link step hands to another (<see cref="ShardHandOver"/>), named by run and attempt.</summary>
    Task WriteHandOverAsync(HandOverName name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// The hand-overs to <paramref name="shard"/> in that run of the day (its inbox), in sending-shard order, each from the
    /// attempt of its sender named in <paramref name="attempts"/> (index = sending shard; a retried link step's earlier
    /// attempt is left out): one listing, one read each.
    /// </summary>
    Task<IReadOnlyList<HandOverFile>> ReadHandOversAsync(DateOnly day, string run, int shard, IReadOnlyList<string> attempts, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the run's hand-overs once its report is out (they hold copies of events, which only raw storage keeps),
    /// and those of any run of that day or the week before that no step has touched for <paramref name="staleAfter"/>
    /// (left by a run that was cut short).
    /// </summary>
    Task DeleteHandOversAsync(DateOnly day, string run, TimeSpan staleAfter, CancellationToken cancellationToken);

    /// <summary>Writes <c>reports/{day}/{file}</c> for each file, and <c>reports/latest/{file}</c> unless a newer day is already there; returns each file's address.</summary>
    Task<IReadOnlyDictionary<string, Uri>> WriteReportAsync(DateOnly day, IReadOnlyDictionary<string, byte[]> files, bool provisional, CancellationToken cancellationToken);

    /// <summary>Every day with a final report (a provisional one does not count), from one listing.</summary>
    Task<IReadOnlySet<DateOnly>> FinalReportDaysAsync(CancellationToken cancellationToken);

    /// <summary>True when a raw slice of <paramref name="day"/> was written after the day's final fold (a message that was still queued, a replayed poison message): the day must run again.</summary>
    Task<bool> HasRawAfterFoldAsync(DateOnly day, int shards, CancellationToken cancellationToken);
}

/// <summary>A stored snapshot's facts: final (not written by a provisional run) and its size in bytes.</summary>
public sealed record StoredState(bool Final, long Bytes);

/// <summary>Which hand-over: the day, the run, the sending and receiving shards, and the sender's attempt (a retry writes under a new one).</summary>
public sealed record HandOverName(DateOnly Day, string Run, int From, int To, string Attempt);

/// <summary>A hand-over as stored: the shard that sent it, where it is (for errors) and its bytes.</summary>
public sealed record HandOverFile(int From, string Name, byte[] Content);

/// <summary>One raw blob's content with its name (for naming malformed lines) and when it was first written (history imports count slices written by their instant).</summary>
public sealed record RawSlice(string Name, byte[] GzipNdjson, DateTimeOffset Written = default);

/// <summary>The <c>DailyMetrics</c> table: one row per day and headline metric, the trend source of reports.</summary>
public interface IDailyMetricsTable
{
    Task WriteAsync(DateOnly day, IReadOnlyDictionary<string, double> metrics, bool provisional, CancellationToken cancellationToken);

    /// <summary>One metric's values from <paramref name="firstDay"/> to <paramref name="lastDay"/> (both included), by day; days without a row are absent.</summary>
    Task<IReadOnlyDictionary<DateOnly, double>> ReadAsync(string metric, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken);
}
