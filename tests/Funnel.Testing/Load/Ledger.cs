using System.Collections.Concurrent;
using System.Text.Json;
using Funnel.Storage.Raw;

namespace Funnel.Testing.Load;

/// <summary>
/// Every event a client was answered 200 for, compared with raw storage: found exactly once, missing,
/// duplicated, and extra (stored though never acknowledged, e.g. queued before a 503: harmless).
/// Missing events the emulator itself may have dropped (accepted inside <see cref="EmulatorLossWindow"/>) are counted apart.
/// </summary>
public sealed record Ledger(int Accepted, int FoundOnce, int Missing, int Duplicated, int Extra, int EmulatorLost, IReadOnlyList<string> MissingSample, IReadOnlyList<string> DuplicatedSample)
{
    /// <summary>The span of acceptance times whose events an emulator crash may have taken with it (its autosave window, or all of memory).</summary>
    public sealed record EmulatorLossWindow(DateTimeOffset From, DateTimeOffset To)
    {
        public bool Contains(DateTimeOffset at) => at >= From && at <= To;
    }

    public static async Task<Ledger> CompareAsync(LoadResult load, BlobRawEventStore raw, string runId, EmulatorLossWindow? lossWindow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(raw);
        var stored = await CountStoredAsync(raw, runId, cancellationToken);
        int foundOnce = 0, missing = 0, duplicated = 0, emulatorLost = 0;
        var missingSample = new List<string>();
        var duplicatedSample = new List<string>();
        foreach (var (id, acceptedAt) in load.Accepted)
        {
            var count = stored.GetValueOrDefault(id);
            if (count == 1)
            {
                foundOnce++;
            }
            else if (count > 1)
            {
                duplicated++;
                if (duplicatedSample.Count < 10)
                {
                    duplicatedSample.Add($"{id} x{count}");
                }
            }
            else if (lossWindow?.Contains(acceptedAt) == true)
            {
                emulatorLost++;
            }
            else
            {
                missing++;
                if (missingSample.Count < 10)
                {
                    missingSample.Add($"{id} (accepted {acceptedAt:HH:mm:ss.fff})");
                }
            }
        }
        var extra = stored.Keys.Count(id => !load.Accepted.ContainsKey(id));
        return new Ledger(load.Accepted.Count, foundOnce, missing, duplicated, extra, emulatorLost, missingSample, duplicatedSample);
    }

    /// <summary>How many times each messageId of the run is in raw storage.</summary>
    public static async Task<Dictionary<string, int>> CountStoredAsync(BlobRawEventStore raw, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var names = new List<Funnel.Engine.Processing.RawBlobName>();
        await foreach (var name in raw.ListAsync(null, cancellationToken))
        {
            names.Add(name);
        }
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, ct) =>
        {
            foreach (var line in await raw.ReadLinesAsync(name, ct))
            {
                using var e = JsonDocument.Parse(line);
                if (e.RootElement.TryGetProperty("messageId", out var id) && id.GetString() is { } messageId && messageId.StartsWith(runId, StringComparison.Ordinal))
                {
                    counts.AddOrUpdate(messageId, 1, (_, n) => n + 1);
                }
            }
        });
        return new Dictionary<string, int>(counts, StringComparer.Ordinal);
    }

    public override string ToString() =>
        $"accepted {Accepted}, found in raw exactly once {FoundOnce}, missing {Missing}, duplicated {Duplicated}, extra {Extra}, lost by the emulator {EmulatorLost}" +
        (MissingSample.Count > 0 ? $"; missing e.g. {string.Join(", ", MissingSample)}" : string.Empty) +
        (DuplicatedSample.Count > 0 ? $"; duplicated e.g. {string.Join(", ", DuplicatedSample)}" : string.Empty);
}
