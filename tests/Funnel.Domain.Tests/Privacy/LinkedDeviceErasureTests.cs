using Funnel.Events;
using Funnel.Events.Privacy;
using Moq;

namespace Funnel.Domain.Tests.Privacy;

/// <summary>A device linked to an erased user after the erasure was accepted (the daily run stores links) joins the pending erasure.</summary>
public class LinkedDeviceErasureTests
{
    private readonly Dictionary<string, ErasureRequest> _log = new(StringComparer.Ordinal);
    private readonly ErasureIntake _intake;
    private readonly ErasedPersonsCache _erased;
    private readonly ShardRouter _router = new(16);

    public LinkedDeviceErasureTests()
    {
        var log = new Mock<IErasureLog>();
        log.Setup(l => l.AddAsync(It.IsAny<ErasureRequest>(), It.IsAny<CancellationToken>())).Callback((ErasureRequest r, CancellationToken _) => _log[r.Id] = r).Returns(Task.CompletedTask);
        log.Setup(l => l.UpdateAsync(It.IsAny<ErasureRequest>(), It.IsAny<CancellationToken>())).Callback((ErasureRequest r, CancellationToken _) => _log[r.Id] = r).Returns(Task.CompletedTask);
        log.Setup(l => l.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string id, CancellationToken _) => _log.GetValueOrDefault(id));
        log.Setup(l => l.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => [.. _log.Values]);
        var devices = new Mock<IPersonDevices>();
        devices.Setup(d => d.DevicesOfAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        _erased = new ErasedPersonsCache(log.Object, TimeProvider.System);
        _intake = new ErasureIntake(log.Object, devices.Object, _router, _erased, TimeProvider.System);
    }

    [Fact]
    public async Task The_device_joins_the_pending_request_once_with_its_shard_and_is_then_erased()
    {
        var request = await _intake.AcceptAsync(ErasureIntake.UserIdKind, "user-1", CancellationToken.None);
        Assert.False((await _erased.ReadAsync(CancellationToken.None)).Contains("device-9"));

        Assert.True(await _intake.AddLinkedDeviceAsync(request.Id, "device-9", CancellationToken.None));
        Assert.False(await _intake.AddLinkedDeviceAsync(request.Id, "device-9", CancellationToken.None));

        var updated = _log[request.Id];
        Assert.Equal(2, updated.Digests.Count);
        Assert.Contains(PersonDigest.Of("device-9"), updated.Digests);
        Assert.Contains(_router.ShardOf("device-9"), updated.Shards);
        Assert.Equal(ErasureStatus.Pending, updated.Status);
        Assert.True((await _erased.CurrentAsync(CancellationToken.None)).Contains("device-9"));
    }

    [Fact]
    public async Task A_completed_request_is_left_as_it_is()
    {
        var request = await _intake.AcceptAsync(ErasureIntake.UserIdKind, "user-2", CancellationToken.None);
        _log[request.Id] = request with { Status = ErasureStatus.Completed };

        Assert.False(await _intake.AddLinkedDeviceAsync(request.Id, "device-3", CancellationToken.None));
        Assert.Single(_log[request.Id].Digests);
    }
}
