using System.Net;
using Funnel.Domain.Aggregation;
using Funnel.Domain.Events;
using Funnel.Domain.Identity;
using Funnel.Domain.Processing;
using Funnel.Functions.Aggregation;
using Funnel.Functions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Integration.Tests;

/// <summary>
/// An identify carrying both ids links the device: the daily run's linking steps move its anonymous events received
/// from then on to the user, and the folds count them as the user's (real table, real blobs).
/// </summary>
[Collection(PipelineOnAzurite.Name)]
public class IdentityTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Anonymous_events_after_an_identify_are_folded_as_the_users_and_earlier_ones_stay_with_the_device()
    {
        var prefix = "ident" + Guid.NewGuid().ToString("N")[..8];
        var (device, user, other) = ($"{prefix}-device", $"{prefix}-user", $"{prefix}-other");
        await SendAsync($$"""{"batch":[{"type":"page","anonymousId":"{{device}}","messageId":"{{prefix}}-0"}]}""");
        await pipeline.SettledRawEventsAsync(prefix, 1);
        await SendAsync($$"""{"batch":[{"type":"identify","anonymousId":"{{device}}","userId":"{{user}}","messageId":"{{prefix}}-1"}]}""");
        await pipeline.SettledRawEventsAsync(prefix, 2);
        await SendAsync($$"""{"batch":[{"type":"page","anonymousId":"{{device}}","messageId":"{{prefix}}-2"},{"type":"page","anonymousId":"{{other}}","messageId":"{{prefix}}-3"}]}""");
        var raw = await pipeline.SettledRawEventsAsync(prefix, 4);
        Assert.DoesNotContain(raw, r => r.Event.TryGetProperty("personKey", out _));

        var day = DateOnly.ParseExact(raw[0].Blob.Split('/')[0], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var shards = pipeline.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.Shards;
        var links = ActivatorUtilities.CreateInstance<DeviceLinkActivities>(pipeline.Services);
        var folds = ActivatorUtilities.CreateInstance<AggregationActivities>(pipeline.Services);
        for (var s = 0; s < shards; s++)
        {
            await links.StoreDeviceLinksAsync(new ShardDayRequest(day, s), CancellationToken.None);
        }
        var moved = 0;
        for (var s = 0; s < shards; s++)
        {
            moved += await links.MoveLinkedDevicesAsync(new ShardDayRequest(day, s), CancellationToken.None);
        }
        for (var s = 0; s < shards; s++)
        {
            await folds.FoldShardAsync(new FoldShardRequest(day, s, day, Provisional: true, shards), CancellationToken.None);
        }

        var stored = await pipeline.Services.GetRequiredService<IIdentityLinks>().FindAsync([device, other], CancellationToken.None);
        Assert.Equal(user, Assert.Single(stored).Value.UserId);
        Assert.True(moved >= 1);
        var router = new ShardRouter(shards);
        var persons = await PersonsAsync(day, router.ShardOf(user));
        Assert.Contains(user, persons);
        // The device's page before the identify stays its own; the one after went to the user.
        Assert.Contains(device, await PersonsAsync(day, router.ShardOf(device)));
        Assert.Contains(other, await PersonsAsync(day, router.ShardOf(other)));
        var run = pipeline.Services.GetRequiredService<DayRun>();
        var userState = (await StateAsync(day, router.ShardOf(user), run)).Persons[user];
        var deviceState = (await StateAsync(day, router.ShardOf(device), run)).Persons[device];
        // Message ids the fold remembers against re-sends: the identify and the page after it are the user's.
        Assert.Equal(2, userState.RecentIds.Count);
        Assert.Single(deviceState.RecentIds);
    }

    private async Task SendAsync(string batch)
    {
        using var response = await pipeline.Client.SendAsync(Ingest.Batch(batch));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<IReadOnlyCollection<string>> PersonsAsync(DateOnly day, int shard) =>
        (await StateAsync(day, shard, pipeline.Services.GetRequiredService<DayRun>())).Persons.Keys;

    private async Task<ShardState> StateAsync(DateOnly day, int shard, DayRun run)
    {
        var bytes = await pipeline.Services.GetRequiredService<IAggregationStore>().ReadStateAsync(shard, day, CancellationToken.None)
            ?? throw new InvalidOperationException($"no state for shard {shard} of {day}");
        using var input = new MemoryStream(bytes);
        return run.ReadSnapshot(input, $"state of shard {shard}");
    }
}
