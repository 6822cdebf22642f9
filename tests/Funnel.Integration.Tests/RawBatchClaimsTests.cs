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

        Assert.Empty(await claims.ClaimAsync(day, "g1", ["a", "b", "c"], CancellationToken.None));
        var second = await claims.ClaimAsync(day, "g2", ["d", "b", "e", "c"], CancellationToken.None);
        var third = await claims.ClaimAsync(day, "g3", ["b", "f"], CancellationToken.None);
        var nextDay = await claims.ClaimAsync(day.AddDays(1), "g4", ["b"], CancellationToken.None);

        Assert.Equal(["b", "c"], second.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["g1"], second["b"]);
        Assert.Equal(["g1"], second["c"]);
        Assert.Equal(["b"], third.Keys);
        Assert.Equal(["g1", "g2"], third["b"]);
        Assert.Empty(nextDay);
        // The batches that were new in a transaction that failed at another one were still claimed.
        Assert.Equal(["d", "e"], (await claims.ClaimAsync(day, "g5", ["d", "e"], CancellationToken.None)).Keys.Order(StringComparer.Ordinal));
    }
}
