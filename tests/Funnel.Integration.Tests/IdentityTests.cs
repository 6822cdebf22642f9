using System.Net;
using Funnel.Engine.Aggregation;
using Funnel.Engine.Identity;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Functions.Aggregation;
using Funnel.Functions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Funnel.Integration.Tests;

/// <summary>
/// An identify carrying both ids links the device: the daily run's link step hands the device's whole day (before and
/// after the identify) to the user's shard, whose fold counts it as the user's (real table, real blobs).
/// </summary>
[Collection(PipelineOnAzurite.Name)]
public class IdentityTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task A_linked_devices_events_before_and_after_the_identify_are_folded_as_the_users()
    {
        var prefix = "ident" + Guid.NewGuid().ToString("N")[..8];
        var (device, user, other) = ($"{prefix}-device", $"{prefix}-user", $"{prefix}-other");
        await SendAsync($$$$"""{"batch":[{"type":"page","anonymousId":"{{{{device}}}}","messageId":"{{{{prefix}}}}-0","context":{"campaign":{"source":"douyin"}}}]}""");
        await pipeline.SettledRawEventsAsync(prefix, 1);
        await SendAsync($$"""{"batch":[{"type":"identify","anonymousId":"{{device}}","userId":"{{user}}","messageId":"{{prefix}}-1"}]}""");
        await pipeline.SettledRawEventsAsync(prefix, 2);
        await SendAsync($$"""{"batch":[{"type":"page","anonymousId":"{{device}}","messageId":"{{prefix}}-2"},{"type":"page","anonymousId":"{{other}}","messageId":"{{prefix}}-3"}]}""");
        var raw = await pipeline.SettledRawEventsAsync(prefix, 4);
        Assert.DoesNotContain(raw, r => r.Event.TryGetProperty("personKey", out _));
        var shards = pipeline.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.Shards;
        var router = new ShardRouter(shards);
        // Raw storage keeps an event that names a device in the device's shard, the identify included.
        Assert.All(raw.Where(r => r.Event.GetProperty("anonymousId").GetString() == device), r => Assert.Contains(ShardRouter.FolderName(router.ShardOf(device)), r.Blob, StringComparison.Ordinal));

        var day = DateOnly.ParseExact(raw[0].Blob.Split('/')[0], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var steps = ActivatorUtilities.CreateInstance<AggregationActivities>(pipeline.Services);
        var run = Guid.NewGuid().ToString("N");
        var linked = new List<LinkShardResult>();
        for (var s = 0; s < shards; s++)
        {
            linked.AddRange(await steps.LinkShardsAsync(new ShardStepRequest(day, [s], shards, day, run, Provisional: true), CancellationToken.None));
        }
        var attempts = linked.Select(l => l.Attempt).ToList();
        for (var s = 0; s < shards; s++)
        {
            await steps.FoldShardsAsync(new ShardStepRequest(day, [s], shards, day, run, Provisional: true, attempts), CancellationToken.None);
        }

        var stored = await pipeline.Services.GetRequiredService<IIdentityLinks>().FindAsync([device, other], CancellationToken.None);
        Assert.Equal(user, Assert.Single(stored).Value.UserId);
        Assert.True(linked[router.ShardOf(device)].LinksMade >= 1);
        var dayRun = pipeline.Services.GetRequiredService<DayRun>();
        var userState = (await StateAsync(day, router.ShardOf(user), dayRun)).Persons[user];
        Assert.DoesNotContain(device, await PersonsAsync(day, router.ShardOf(device)));
        Assert.Contains(other, await PersonsAsync(day, router.ShardOf(other)));
        // The page before the identify is the user's too: its campaign is the user's first touch.
        Assert.Equal(3, userState.RecentIds.Count);
        Assert.Equal("douyin", userState.Channel);
        Assert.Equal(user, (await StateAsync(day, router.ShardOf(device), dayRun)).LinkedDevices[device]);
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
