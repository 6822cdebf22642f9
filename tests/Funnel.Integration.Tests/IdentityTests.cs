using System.Net;

namespace Funnel.Integration.Tests;

/// <summary>An identify carrying both ids links the device: its later anonymous events are stored as the user's.</summary>
[Collection(PipelineOnAzurite.Name)]
public class IdentityTests(PipelineFixture pipeline)
{
    [Fact]
    public async Task Anonymous_events_after_an_identify_land_with_the_user_in_the_users_shard()
    {
        var prefix = "ident" + Guid.NewGuid().ToString("N")[..8];
        var identify = $$"""{"batch":[{"type":"identify","anonymousId":"{{prefix}}-device","userId":"{{prefix}}-user","messageId":"{{prefix}}-0"}]}""";
        using (var first = await pipeline.Client.SendAsync(Ingest.Batch(identify)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        await pipeline.SettledRawEventsAsync(prefix, 1);
        var later = $$"""{"batch":[{"type":"page","anonymousId":"{{prefix}}-device","messageId":"{{prefix}}-1"},{"type":"page","anonymousId":"{{prefix}}-other","messageId":"{{prefix}}-2"}]}""";
        using (var second = await pipeline.Client.SendAsync(Ingest.Batch(later)))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }
        var raw = await pipeline.SettledRawEventsAsync(prefix, 3);
        var byId = raw.ToDictionary(r => r.Event.GetProperty("messageId").GetString()!);

        Assert.Equal($"{prefix}-user", byId[$"{prefix}-1"].Event.GetProperty("personKey").GetString());
        Assert.Equal(byId[$"{prefix}-0"].Blob.Split('/')[1], byId[$"{prefix}-1"].Blob.Split('/')[1]);
        Assert.False(byId[$"{prefix}-2"].Event.TryGetProperty("personKey", out _));
    }
}
