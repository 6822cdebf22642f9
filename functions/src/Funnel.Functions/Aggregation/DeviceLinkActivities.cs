using Funnel.Domain.Aggregation;
using Funnel.Domain.Identity;
using Funnel.Domain.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace Funnel.Functions.Aggregation;

/// <summary>The daily run's two device-linking steps (<see cref="DeviceLinks"/>), one shard at a time; both may run again and write the same.</summary>
public sealed class DeviceLinkActivities(IAggregationStore store, IIdentityLinks links, ErasedPersonsCache erasedPersons, ErasureIntake erasures, ILogger<DeviceLinkActivities> logger)
{
    /// <summary>
    /// Stores the links the shard's calls of the day carry, except an erased person's: a device found linked to a user
    /// whose erasure is still pending joins that erasure instead. Returns how many links were stored.
    /// </summary>
    [Function(AggregationFunctionNames.StoreDeviceLinks)]
    public async Task<int> StoreDeviceLinksAsync([ActivityTrigger] ShardDayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var erased = await erasedPersons.ReadAsync(cancellationToken);
        var carried = DeviceLinks.Carried(await LinesAsync(request, cancellationToken));
        foreach (var link in carried.Where(l => erased.Contains(l.UserId) && !erased.Contains(l.AnonymousId)))
        {
            foreach (var erasure in erased.RequestsOf(link.UserId))
            {
                if (await erasures.AddLinkedDeviceAsync(erasure, link.AnonymousId, cancellationToken))
                {
                    logger.LogInformation("Erasure {Request} takes in a device linked to its user on {Day}", erasure, request.Day);
                }
            }
        }
        var kept = carried.Where(l => !erased.Contains(l.UserId) && !erased.Contains(l.AnonymousId)).ToList();
        await links.AddAsync(kept, cancellationToken);
        return kept.Count;
    }

    /// <summary>Moves the shard's events of linked devices to their users (written for the folds to read); returns how many moved.</summary>
    [Function(AggregationFunctionNames.MoveLinkedDevices)]
    public async Task<int> MoveLinkedDevicesAsync([ActivityTrigger] ShardDayRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lines = await LinesAsync(request, cancellationToken);
        var devices = DeviceLinks.AnonymousDevices(lines);
        var moves = DeviceLinks.Route(lines, await links.FindAsync(devices, cancellationToken));
        await store.WriteMovesAsync(request.Day, request.Shard, moves.ToGzip(), cancellationToken);
        logger.LogInformation("Shard {Shard} of {Day}: {Moved} events of {Devices} linked devices moved to their users ({Looked} devices looked up)",
            request.Shard, request.Day, moves.Moved.Count, moves.Links.Count, devices.Count);
        return moves.Moved.Count;
    }

    private async Task<List<ReadOnlyMemory<byte>>> LinesAsync(ShardDayRequest request, CancellationToken cancellationToken) =>
        [.. DeviceLinks.Lines((await store.ReadRawAsync(request.Day, request.Shard, cancellationToken)).Select(s => s.GzipNdjson))];
}
