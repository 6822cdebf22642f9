using Funnel.Engine.Processing;

namespace Funnel.Domain.Tests.Processing;

public class RawBlobNameTests
{
    [Fact]
    public void Path_is_day_then_shard_then_batch()
    {
        var name = new RawBlobName(new DateOnly(2026, 11, 24), 7, "abc123");
        Assert.Equal("2026-11-24/shard-07/abc123.ndjson.gz", name.Path);
        Assert.True(RawBlobName.TryParse(name.Path, out var parsed));
        Assert.Equal(name, parsed);
    }

    [Theory]
    [InlineData("2026-11-24/shard-07/abc.json")]
    [InlineData("2026-13-24/shard-07/abc.ndjson.gz")]
    [InlineData("2026-11-24/shard-x/abc.ndjson.gz")]
    [InlineData("2026-11-24/abc.ndjson.gz")]
    public void Other_blob_names_are_not_raw_slices(string path) => Assert.False(RawBlobName.TryParse(path, out _));
}
