using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Days;
using Funnel.Reports;

namespace Funnel.Storage.Aggregation;

/// <summary>
/// The daily run's blobs: <c>raw/{day}/shard-{nn}/</c>, <c>state/shard-{nn}/{day}.bin</c>,
/// <c>partials/{day}/shard-{nn}.bin</c>, <c>reports/{day}/…</c> and <c>reports/latest/…</c>. A blob's
/// <c>provisional</c> metadata marks what a run of a still-open day wrote.
/// </summary>
public sealed class BlobAggregationStore(BlobServiceClient blobs) : IAggregationStore, IReportArchive
{
    private const string ProvisionalKey = "provisional";
    private const string DayKey = "day";
    private const string RawSlicesKey = "rawslices";
    private const string LatestFolder = "latest";

    private readonly BlobContainerClient _raw = blobs.GetBlobContainerClient(StorageNames.RawContainer);
    private readonly BlobContainerClient _state = blobs.GetBlobContainerClient(StorageNames.StateContainer);
    private readonly BlobContainerClient _partials = blobs.GetBlobContainerClient(StorageNames.PartialsContainer);
    private readonly BlobContainerClient _reports = blobs.GetBlobContainerClient(StorageNames.ReportsContainer);

    public static string StateBlob(int shard, DateOnly day) => $"{ShardRouter.FolderName(shard)}/{ReportingDay.Format(day)}.bin";

    public static string PartialBlob(DateOnly day, int shard) => $"{ReportingDay.Format(day)}/{ShardRouter.FolderName(shard)}.bin";

    public async Task<DateOnly?> FirstRawDayAsync(CancellationToken cancellationToken)
    {
        // Day folders sort by date; the first that parses is the first raw day.
        await foreach (var day in RawDayFoldersAsync(cancellationToken))
        {
            return day;
        }
        return null;
    }

    /// <summary>The raw container's day folders, in date order, from one hierarchical listing.</summary>
    private async IAsyncEnumerable<DateOnly> RawDayFoldersAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in _raw.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken))
        {
            if (item.IsPrefix && ReportingDay.TryParse(item.Prefix.TrimEnd('/'), out var day))
            {
                yield return day;
            }
        }
    }

    public async Task<IReadOnlyList<RawSlice>> ReadRawAsync(DateOnly day, int shard, CancellationToken cancellationToken)
    {
        var prefix = $"{RawBlobName.DayFolder(day)}/{ShardRouter.FolderName(shard)}/";
        var names = new List<(string Name, DateTimeOffset Written)>();
        await foreach (var item in _raw.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Metadata }, cancellationToken))
        {
            names.Add((item.Name, WrittenAt(item)));
        }
        names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var slices = new List<RawSlice>(names.Count);
        foreach (var (name, written) in names)
        {
            var content = await _raw.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            slices.Add(new RawSlice($"{StorageNames.RawContainer}/{name}", content.Value.Content.ToArray(), written));
        }
        return slices;
    }

    /// <summary>When a raw slice was first written: its own metadata, else (written by an earlier version) when the blob was created.</summary>
    private static DateTimeOffset WrittenAt(BlobItem item) =>
        item.Metadata is { } metadata && metadata.TryGetValue(Raw.BlobRawEventStore.WrittenKey, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var written)
            ? written
            : item.Properties.CreatedOn ?? item.Properties.LastModified ?? DateTimeOffset.MinValue;

    public async Task<long> RawBytesAsync(DateOnly day, CancellationToken cancellationToken)
    {
        long bytes = 0;
        await foreach (var item in _raw.GetBlobsAsync(new GetBlobsOptions { Prefix = RawBlobName.DayFolder(day) + "/" }, cancellationToken))
        {
            bytes += item.Properties.ContentLength ?? 0;
        }
        return bytes;
    }

    public async Task<IReadOnlyList<StoredState?>> StatesAsync(DateOnly day, int shards, CancellationToken cancellationToken)
    {
        var states = new StoredState?[shards];
        for (var shard = 0; shard < shards; shard++)
        {
            try
            {
                var properties = (await _state.GetBlobClient(StateBlob(shard, day)).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
                states[shard] = new StoredState(!IsProvisional(properties.Metadata), properties.ContentLength);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }
        return states;
    }

    public async Task<IReadOnlyList<DateOnly>> RawDaysAsync(DateOnly after, DateOnly through, CancellationToken cancellationToken)
    {
        var days = new List<DateOnly>();
        await foreach (var day in RawDayFoldersAsync(cancellationToken))
        {
            if (day > through)
            {
                break;
            }
            if (day > after)
            {
                days.Add(day);
            }
        }
        return days;
    }

    /// <summary><c>state/imports.json</c>: every history import, oldest first.</summary>
    private const string ImportsBlob = "imports.json";

    public async Task<IReadOnlyList<HistoryImport>> ReadImportsAsync(CancellationToken cancellationToken) => (await ReadImportsWithTagAsync(cancellationToken)).Imports;

    private async Task<(List<HistoryImport> Imports, ETag? Tag)> ReadImportsWithTagAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = await _state.GetBlobClient(ImportsBlob).DownloadContentAsync(cancellationToken);
            var imports = System.Text.Json.JsonSerializer.Deserialize<List<HistoryImport>>(content.Value.Content.ToMemory().Span, ImportsJson)
                ?? throw new InvalidDataException($"{StorageNames.StateContainer}/{ImportsBlob} holds no list");
            return (imports, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return ([], null);
        }
    }

    public async Task AddImportAsync(HistoryImport import, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (imports, tag) = await ReadImportsWithTagAsync(cancellationToken);
            imports.Add(import);
            var conditions = tag is { } t ? new BlobRequestConditions { IfMatch = t } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await _state.GetBlobClient(ImportsBlob).UploadAsync(BinaryData.FromObjectAsJson(imports, ImportsJson),
                    new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" }, Conditions = conditions }, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another import was recorded meanwhile: read again.
            }
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions ImportsJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public async Task<bool> HasFinalStateAsync(int shard, DateOnly day, CancellationToken cancellationToken) =>
        await IsFinalAsync(_state.GetBlobClient(StateBlob(shard, day)), cancellationToken);

    public async Task<byte[]?> ReadStateAsync(int shard, DateOnly day, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _state.GetBlobClient(StateBlob(shard, day)).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task WriteStateAsync(int shard, DateOnly day, ReadOnlyMemory<byte> snapshot, bool provisional, CancellationToken cancellationToken, int? rawSlicesFolded = null)
    {
        var metadata = Metadata(day, provisional);
        if (rawSlicesFolded is { } slices)
        {
            metadata[RawSlicesKey] = slices.ToString(CultureInfo.InvariantCulture);
        }
        await UploadAsync(_state.GetBlobClient(StateBlob(shard, day)), snapshot, "application/octet-stream", metadata, cancellationToken);
    }

    public async Task WritePartialAsync(DateOnly day, int shard, ReadOnlyMemory<byte> figures, CancellationToken cancellationToken) =>
        await UploadAsync(_partials.GetBlobClient(PartialBlob(day, shard)), figures, "application/octet-stream", Metadata(day, provisional: false), cancellationToken);

    /// <summary><c>partials/{day}/inbox/shard-{to}/{run}/shard-{from}.{attempt}.bin</c>: beside the partials, one inbox per receiving shard and run.</summary>
    public static string HandOverBlob(HandOverName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return $"{InboxPrefix(name.Day, name.Run, name.To)}{ShardRouter.FolderName(name.From)}.{name.Attempt}.bin";
    }

    private static string InboxPrefix(DateOnly day, string run, int to) => $"{InboxFolder(day)}{ShardRouter.FolderName(to)}/{run}/";

    private static string InboxFolder(DateOnly day) => $"{ReportingDay.Format(day)}/inbox/";

    public async Task WriteHandOverAsync(HandOverName name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        await UploadAsync(_partials.GetBlobClient(HandOverBlob(name)), content, "application/octet-stream", Metadata(name.Day, provisional: false), cancellationToken);

    public async Task<IReadOnlyList<HandOverFile>> ReadHandOversAsync(DateOnly day, string run, int shard, IReadOnlyList<string> attempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var prefix = InboxPrefix(day, run, shard);
        var senders = new SortedDictionary<int, string>();
        await foreach (var item in _partials.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            var file = item.Name[prefix.Length..].Split('.');
            if (file.Length == 3 && file[0].StartsWith("shard-", StringComparison.Ordinal) && file[2] == "bin"
                && int.TryParse(file[0].AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var from)
                && from < attempts.Count && file[1] == attempts[from])
            {
                senders[from] = item.Name;
            }
        }
        var files = new List<HandOverFile>(senders.Count);
        foreach (var (from, name) in senders)
        {
            files.Add(new HandOverFile(from, $"{StorageNames.PartialsContainer}/{name}", await ReadHandOverAsync(name, "it was listed a moment ago", cancellationToken)));
        }
        return files;
    }

    public async Task DeleteHandOversAsync(DateOnly day, string run, TimeSpan staleAfter, CancellationToken cancellationToken)
    {
        var staleBefore = DateTimeOffset.UtcNow - staleAfter;
        for (var d = day.AddDays(-7); d <= day; d = d.AddDays(1))
        {
            await foreach (var item in _partials.GetBlobsAsync(new GetBlobsOptions { Prefix = InboxFolder(d) }, cancellationToken))
            {
                var ours = d == day && item.Name.Split('/') is { Length: 5 } parts && parts[3] == run;
                if (ours || item.Properties.LastModified < staleBefore)
                {
                    await _partials.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
                }
            }
        }
    }

    public Task<byte[]> ReadPartialAsync(DateOnly day, int shard, CancellationToken cancellationToken) =>
        ReadHandOverAsync(PartialBlob(day, shard), $"shard {shard} of {ReportingDay.Format(day)} has not been folded", cancellationToken);

    /// <summary>A blob of the <c>partials</c> container one step of a day's run left for the next; a missing one names the step that did not run.</summary>
    private async Task<byte[]> ReadHandOverAsync(string name, string whyMissing, CancellationToken cancellationToken)
    {
        var blob = _partials.GetBlobClient(name);
        try
        {
            return (await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"{StorageNames.PartialsContainer}/{blob.Name} is missing: {whyMissing}", blob.Name, ex);
        }
    }

    public async Task<IReadOnlyDictionary<string, Uri>> WriteReportAsync(
        DateOnly day, IReadOnlyDictionary<string, byte[]> files, bool provisional, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var addresses = new SortedDictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (file, content) in files)
        {
            var blob = _reports.GetBlobClient($"{ReportingDay.Format(day)}/{file}");
            await UploadAsync(blob, content, ContentTypeOf(file), Metadata(day, provisional), cancellationToken);
            addresses[file] = blob.Uri;
        }
        // latest/ is shared by every run: one writer at a time (a lease on a lock blob), so its files never mix two days.
        var lease = await AcquireLatestLockAsync(cancellationToken);
        try
        {
            var newest = await LatestDayAsync(files.Keys.First(), cancellationToken);
            if (newest is null || day >= newest)
            {
                foreach (var (file, content) in files)
                {
                    await UploadAsync(_reports.GetBlobClient($"{LatestFolder}/{file}"), content, ContentTypeOf(file), Metadata(day, provisional), cancellationToken);
                }
            }
        }
        finally
        {
            await lease.ReleaseAsync(cancellationToken: CancellationToken.None);
        }
        return addresses;
    }

    private async Task<Azure.Storage.Blobs.Specialized.BlobLeaseClient> AcquireLatestLockAsync(CancellationToken cancellationToken)
    {
        var lockBlob = _reports.GetBlobClient($"{LatestFolder}/.lock");
        try
        {
            await lockBlob.UploadAsync(BinaryData.FromString(""), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Already there (it is never deleted).
        }
        var lease = Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(lockBlob);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await lease.AcquireAsync(TimeSpan.FromSeconds(30), cancellationToken: cancellationToken);
                return lease;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && attempt < 120)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    public async Task<IReadOnlySet<DateOnly>> FinalReportDaysAsync(CancellationToken cancellationToken) =>
        (await ListDaysAsync(cancellationToken)).Where(d => !d.Provisional).Select(d => d.Day).ToHashSet();

    public async Task<bool> HasRawAfterFoldAsync(DateOnly day, int shards, CancellationToken cancellationToken)
    {
        for (var shard = 0; shard < shards; shard++)
        {
            BlobProperties state;
            try
            {
                state = (await _state.GetBlobClient(StateBlob(shard, day)).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue;
            }
            // The run's link step read raw before its fold wrote the state: the number of slices it read is the sure
            // test (slices are never deleted); a state without it (an erasure's rewrite) falls back to the times.
            var folded = state.Metadata.TryGetValue(RawSlicesKey, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var read) ? read : (int?)null;
            var prefix = $"{RawBlobName.DayFolder(day)}/{ShardRouter.FolderName(shard)}/";
            var slices = 0;
            await foreach (var item in _raw.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                slices++;
                if (folded is null && item.Properties.LastModified > state.LastModified)
                {
                    return true;
                }
            }
            if (slices > folded)
            {
                return true;
            }
        }
        return false;
    }

    public async Task<IReadOnlyList<(DateOnly Day, bool Provisional)>> ListDaysAsync(CancellationToken cancellationToken)
    {
        var days = new List<(DateOnly, bool)>();
        await foreach (var item in _reports.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            var slash = item.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && item.Name[(slash + 1)..] == "report.json"
                && ReportingDay.TryParse(item.Name[..slash], out var day))
            {
                days.Add((day, IsProvisional(item.Metadata)));
            }
        }
        return days.OrderByDescending(d => d.Item1).ToList();
    }

    public async Task<ReportFile?> ReadAsync(DateOnly? day, string file, CancellationToken cancellationToken)
    {
        var blob = _reports.GetBlobClient($"{(day is { } d ? ReportingDay.Format(d) : LatestFolder)}/{file}");
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            var stored = content.Value.Details.Metadata.TryGetValue(DayKey, out var text)
                && ReportingDay.TryParse(text, out var storedDay) ? storedDay : day ?? default;
            return new ReportFile(content.Value.Content.ToArray(), ContentTypeOf(file), content.Value.Details.ETag.ToString("H"), stored);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<DateOnly?> LatestDayAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await _reports.GetBlobClient($"{LatestFolder}/{file}").GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(DayKey, out var text)
                && ReportingDay.TryParse(text, out var day) ? day : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static async Task<bool> IsFinalAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return !IsProvisional(properties.Value.Metadata);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>True for a blob a provisional run wrote (<see cref="Metadata"/>).</summary>
    private static bool IsProvisional(IDictionary<string, string> metadata) => metadata.TryGetValue(ProvisionalKey, out var flag) && flag == "true";

    private static Dictionary<string, string> Metadata(DateOnly day, bool provisional) => new()
    {
        [DayKey] = ReportingDay.Format(day),
        [ProvisionalKey] = provisional ? "true" : "false",
    };

    private static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".json" => "application/json; charset=utf-8",
        ".csv" => "text/csv; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static async Task UploadAsync(BlobClient blob, ReadOnlyMemory<byte> content, string contentType, Dictionary<string, string> metadata, CancellationToken cancellationToken) =>
        await blob.UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Metadata = metadata,
        }, cancellationToken);
}
