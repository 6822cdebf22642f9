using Azure.Data.Tables;
using Funnel.Events.Ingest;
using Funnel.Storage;
using Funnel.Storage.Ingest;

namespace Funnel.Integration.Tests;

/// <summary>The daily refusal counters on a real Azurite table: concurrent increments from many instances all count.</summary>
public sealed class RefusalCounterTests : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private AzuriteStorage _azurite = null!;

    public async Task InitializeAsync() => _azurite = await AzuriteStorage.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task Parallel_increments_of_one_counter_from_many_instances_lose_none()
    {
        // 12 instances (own clients, as separate hosts would have) add 1..20 each, 15 times, all at once.
        var instances = Enumerable.Range(0, 12).Select(_ => new TableIngestRefusalCounters(new TableServiceClient(_azurite.ConnectionString))).ToList();
        var expected = 0L;
        var work = new List<Task>();
        foreach (var (counters, i) in instances.Select((c, i) => (c, i)))
        {
            for (var round = 0; round < 15; round++)
            {
                var count = 1 + (i * 15 + round) % 20;
                expected += count;
                work.Add(Task.Run(() => counters.AddAsync(Day, "request.malformed", count, CancellationToken.None)));
            }
        }
        await Task.WhenAll(work);

        var read = await instances[0].ReadAsync(Day, CancellationToken.None);
        Assert.Equal(expected, Assert.Single(read).Count);
        var rows = new TableServiceClient(_azurite.ConnectionString).GetTableClient(StorageNames.IngestRefusalsTable)
            .QueryAsync<TableEntity>(r => r.PartitionKey == "2026-11-20");
        Assert.Equal(1, await rows.CountAsync());
    }

    [Fact]
    public async Task Tallies_of_several_instances_flushed_concurrently_add_up_per_day_and_reason_most_refused_first()
    {
        var tallies = Enumerable.Range(0, 6).Select(_ => new IngestRefusalTally()).ToList();
        var counters = new TableIngestRefusalCounters(new TableServiceClient(_azurite.ConnectionString));
        var malformed = IngestResult.Refuse(IngestRefusal.Malformed, "body", "not JSON");
        var unauthenticated = IngestResult.Refuse(IngestRefusal.Unauthenticated, "writeKey", "unknown");
        var busy = IngestResult.Refuse(IngestRefusal.Busy, "queue", "retry later");
        var badEvents = new IngestResult(null, new IngestAnswer(true, 3, 2, [new IngestError(1, "timestamp", "x"), new IngestError(4, "timestamp", "y"), new IngestError(5, "properties.revenue/€#?", "z")]), null);

        // Requests arrive on every instance while the instances flush, four times over.
        var work = tallies.Select(tally => Task.Run(async () =>
        {
            for (var round = 0; round < 4; round++)
            {
                for (var n = 0; n < 25; n++)
                {
                    tally.Add(Day, malformed);
                    tally.Add(Day, busy);
                    tally.Add(Day.AddDays(1), unauthenticated);
                    if (n % 5 == 0)
                    {
                        tally.Add(Day, badEvents);
                    }
                }
                await tally.FlushAsync(counters, CancellationToken.None);
            }
        }));
        await Task.WhenAll(work);

        Assert.All(tallies, t => Assert.True(t.IsEmpty));
        var today = await counters.ReadAsync(Day, CancellationToken.None);
        Assert.Equal(
            [("request.malformed", 6 * 4 * 25L), ("event.timestamp", 6 * 4 * 5 * 2L), ("event.properties.revenue/€#?", 6 * 4 * 5L)],
            today.Select(r => (r.Reason, r.Count)));
        Assert.Equal([("request.unauthenticated", 6 * 4 * 25L)], (await counters.ReadAsync(Day.AddDays(1), CancellationToken.None)).Select(r => (r.Reason, r.Count)));
    }

    [Fact]
    public async Task Counts_that_could_not_be_written_while_storage_was_down_are_written_by_a_later_flush()
    {
        var tally = new IngestRefusalTally();
        var counters = new TableIngestRefusalCounters(new TableServiceClient(_azurite.ConnectionString));
        for (var n = 0; n < 7; n++)
        {
            tally.Add(Day, IngestResult.Refuse(IngestRefusal.TooLarge, "body", "over the limit"));
        }
        await using (var table = new DroppedTable(_azurite.ConnectionString))
        {
            await Assert.ThrowsAsync<IngestRefusalFlushException>(() => tally.FlushAsync(counters, CancellationToken.None));
            Assert.False(tally.IsEmpty);
        }
        await tally.FlushAsync(counters, CancellationToken.None);
        Assert.Equal(7, Assert.Single(await counters.ReadAsync(Day, CancellationToken.None)).Count);
    }

    /// <summary>The counters' table gone for a while (as when storage loses it), created again on dispose.</summary>
    private sealed class DroppedTable : IAsyncDisposable
    {
        private readonly TableClient _table;

        public DroppedTable(string connectionString)
        {
            _table = new TableServiceClient(connectionString).GetTableClient(StorageNames.IngestRefusalsTable);
            _table.Delete();
        }

        public async ValueTask DisposeAsync() => await _table.CreateIfNotExistsAsync();
    }
}
