using System.Text;
using Funnel.Storage;
using Funnel.Storage.Aggregation;
using Funnel.Storage.Configuration;

namespace Funnel.Integration.Tests.Aggregation;

/// <summary>reports/latest/ under concurrent publishers: always one day's files, the newest day's.</summary>
public sealed class LatestReportTests : IAsyncLifetime
{
    private AzuriteStorage _azurite = null!;

    private StorageClients Storage => _azurite.Storage;

    public async Task InitializeAsync() => _azurite = await AzuriteStorage.StartAsync();

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    private static Dictionary<string, byte[]> Files(DateOnly day) =>
        new[] { "report.json", "report.csv", "report.html" }.ToDictionary(f => f, f => Encoding.UTF8.GetBytes($"{f} of {day:yyyy-MM-dd}"));

    [Fact]
    public async Task Concurrent_publishers_leave_latest_with_the_newest_days_files_only()
    {
        var store = new BlobAggregationStore(Storage.Blobs);
        var days = Enumerable.Range(0, 12).Select(i => new DateOnly(2026, 9, 1).AddDays(i)).ToList();
        await Task.WhenAll(days.OrderBy(d => d.DayNumber % 5).Select(d => store.WriteReportAsync(d, Files(d), provisional: false, CancellationToken.None)));

        var latest = Storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer);
        foreach (var file in new[] { "report.json", "report.csv", "report.html" })
        {
            var content = (await latest.GetBlobClient($"latest/{file}").DownloadContentAsync()).Value.Content.ToString();
            Assert.Equal($"{file} of {days[^1]:yyyy-MM-dd}", content);
        }
        Assert.Equal(days.OrderDescending(), (await store.ListDaysAsync(CancellationToken.None)).Select(d => d.Day));
    }
}
