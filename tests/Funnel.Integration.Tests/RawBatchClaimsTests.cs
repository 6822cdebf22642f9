using Funnel.Engine.Processing;
using Funnel.Storage.Raw;
using Funnel.Testing;

namespace Funnel.Integration.Tests;

/// <summary>The raw batch claims table on Azurite: one transaction per group, batches claimed before named with their groups.</summary>
public sealed class RawBatchClaimsTests : IAsyncLifetime
{
    private AzuriteStorage _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteStorage.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task A_batch_claimed_again_names_every_group_it_was_claimed_by_and_other_days_do_not_count()
    {
        var claims = new TableRawBatchClaims(_azurite.Storage.Tables);
        var day = new DateOnly(2026, 11, 24);
        static RawBatchClaim[] Batches(params string[] ids) => ids.Select(id => new RawBatchClaim(id, [id[0] % 16, 3])).ToArray();

        Assert.Empty(await claims.ClaimAsync(day, "g1", Batches("a", "b", "c"), CancellationToken.None));
        var second = await claims.ClaimAsync(day, "g2", Batches("d", "b", "e", "c"), CancellationToken.None);
        var third = await claims.ClaimAsync(day, "g3", [new RawBatchClaim("b", [9]), .. Batches("f")], CancellationToken.None);
        var nextDay = await claims.ClaimAsync(day.AddDays(1), "g4", Batches("b"), CancellationToken.None);

        Assert.Equal(["b", "c"], second.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["g1"], second["b"].Groups);
        Assert.Equal(["g1"], second["c"].Groups);
        Assert.Equal(["b"], third.Keys);
        Assert.Equal(["g1", "g2"], third["b"].Groups);
        Assert.Equal(['b' % 16, 3], third["b"].Shards);
        Assert.Empty(nextDay);
        // The batches that were new in a transaction that failed at another one were still claimed.
        Assert.Equal(["d", "e"], (await claims.ClaimAsync(day, "g5", Batches("d", "e"), CancellationToken.None)).Keys.Order(StringComparer.Ordinal));
    }
}
