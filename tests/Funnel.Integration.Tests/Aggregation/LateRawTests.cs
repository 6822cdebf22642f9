using System.Net;
using Funnel.Engine.Processing;
using Funnel.Storage.Aggregation;
using Funnel.Storage.Raw;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>The store tells the scheduler when a raw slice landed in a day's folder after the day was folded.</summary>
[Collection(AggregationOnAzurite.Name)]
public class LateRawTests(AggregationFixture fixture)
{
    [Fact]
    public async Task A_raw_slice_written_after_the_fold_is_noticed_and_earlier_ones_are_not()
    {
        var day = fixture.Data.Days[0];
        using (var started = await fixture.Client.PostAsync($"/ops/aggregations/{day:yyyy-MM-dd}", null))
        {
            Assert.True(started.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict);
        }
        Assert.Equal("Completed", (await AggregationFixture.WaitForDayAsync(fixture.Client, day, TimeSpan.FromMinutes(2))).GetProperty("status").GetString());
        var store = new BlobAggregationStore(fixture.Storage.Blobs);
        Assert.False(await store.HasRawAfterFoldAsync(day, AggregationFixture.Shards, CancellationToken.None));

        var late = new RawBlobName(day, 1, "late-" + Guid.NewGuid().ToString("N"));
        await Task.Delay(1100); // blob times have one-second resolution
        await new BlobRawEventStore(fixture.Storage.Blobs).WriteAsync(late, fixture.Data.Blobs[0].GzipNdjson, CancellationToken.None);
        try
        {
            Assert.True(await store.HasRawAfterFoldAsync(day, AggregationFixture.Shards, CancellationToken.None));
        }
        finally
        {
            await fixture.Storage.Blobs.GetBlobContainerClient("raw").DeleteBlobAsync(late.Path);
        }
    }
}
