using Funnel.Events;

namespace Funnel.Domain.Tests.Events;

public class ShardRouterTests
{
    // Published FNV-1a 32-bit test vectors: the routing must never change across machines or releases.
    [Theory]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    public void Shard_is_the_FNV1a_hash_modulo_the_shard_count(string key, uint fnv1a)
    {
        foreach (var shards in new[] { 1, 7, 16, 256 })
        {
            Assert.Equal((int)(fnv1a % (uint)shards), new ShardRouter(shards).ShardOf(key));
        }
    }

    [Fact]
    public void Long_and_non_ascii_keys_hash_over_their_utf8_bytes()
    {
        var router = new ShardRouter(16);
        var key = new string('用', 300);
        uint hash = 2166136261;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 16777619);
        }
        Assert.Equal((int)(hash % 16), router.ShardOf(key));
    }

    [Fact]
    public void Persons_spread_over_every_shard()
    {
        var router = new ShardRouter(16);
        var counts = Enumerable.Range(0, 16_000).GroupBy(i => router.ShardOf($"user-{i}")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(16, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 800, 1200));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Shard_count_outside_1_to_256_is_refused(int shards) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardRouter(shards));
}
