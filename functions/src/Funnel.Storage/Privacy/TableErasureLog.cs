using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Funnel.Events.Privacy;

namespace Funnel.Storage.Privacy;

/// <summary>The <c>Erasures</c> table: one row per request (PK <c>erasure</c>, RK its id) with the digests of the person's ids, never an id.</summary>
public sealed class TableErasureLog(TableServiceClient tables) : IErasureLog
{
    private const string Partition = "erasure";
    private readonly TableClient _table = tables.GetTableClient(StorageNames.ErasuresTable);

    public async Task AddAsync(ErasureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.AddEntityAsync(ToEntity(request), cancellationToken);
    }

    public async Task<ErasureRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<IReadOnlyList<ErasureRequest>> ListAsync(CancellationToken cancellationToken)
    {
        var requests = new List<ErasureRequest>();
        await foreach (var row in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            requests.Add(FromEntity(row));
        }
        return requests;
    }

    public async Task UpdateAsync(ErasureRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _table.UpsertEntityAsync(ToEntity(request), TableUpdateMode.Replace, cancellationToken);
    }

    private static TableEntity ToEntity(ErasureRequest r) => new(Partition, r.Id)
    {
        ["IdKind"] = r.IdKind,
        ["Digests"] = string.Join(',', r.Digests),
        ["Shards"] = string.Join(',', r.Shards.Select(s => s.ToString(CultureInfo.InvariantCulture))),
        ["AcceptedAt"] = r.AcceptedAt,
        ["Status"] = r.Status.ToString(),
        ["CompletedAt"] = r.CompletedAt,
        ["Remaining"] = r.Remaining,
        ["RawEvents"] = r.Removed.RawEvents,
        ["RawBlobs"] = r.Removed.RawBlobs,
        ["Snapshots"] = r.Removed.Snapshots,
        ["Partials"] = r.Removed.Partials,
        ["AudienceFiles"] = r.Removed.AudienceFiles,
        ["IdentityLinks"] = r.Removed.IdentityLinks,
    };

    private static ErasureRequest FromEntity(TableEntity e) => new(
        e.RowKey,
        e.GetString("IdKind") ?? "",
        Split(e.GetString("Digests")),
        Split(e.GetString("Shards")).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList(),
        e.GetDateTimeOffset("AcceptedAt") ?? default,
        Enum.TryParse<ErasureStatus>(e.GetString("Status"), out var status) ? status : ErasureStatus.Pending,
        new ErasureCounts(
            e.GetInt64("RawEvents") ?? 0, e.GetInt32("RawBlobs") ?? 0, e.GetInt32("Snapshots") ?? 0,
            e.GetInt32("Partials") ?? 0, e.GetInt32("AudienceFiles") ?? 0, e.GetInt32("IdentityLinks") ?? 0),
        e.GetDateTimeOffset("CompletedAt"),
        e.GetString("Remaining"));

    private static List<string> Split(string? text) => string.IsNullOrEmpty(text) ? [] : [.. text.Split(',')];
}
