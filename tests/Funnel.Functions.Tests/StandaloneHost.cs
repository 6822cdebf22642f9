using System.Text;
using Funnel.Engine.Identity;
using Funnel.Engine.Processing;
using Funnel.Events;
using Funnel.Events.Ingest;
using Funnel.Standalone;
using Funnel.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Moq;

namespace Funnel.Functions.Tests;

/// <summary>The real standalone host on an in-memory test server, with every storage port replaced by a Moq mock.</summary>
internal sealed class StandaloneHost : IAsyncDisposable
{
    public const string WriteKey = "good-key";

    private WebApplication _app = null!;

    public Mock<IWriteKeyDirectory> Keys { get; } = new();
    public Mock<IRawEventStore> Raw { get; } = new();
    public Mock<IQueueSender> Sender { get; } = new();
    public Mock<IIdentityLinks> Links { get; } = new();
    public Funnel.Testing.InMemoryErasureLog ErasureLog { get; } = new();
    public List<(RawBlobName Name, byte[] Bytes)> Written { get; } = [];
    public List<(string Queue, IReadOnlyList<string> Messages)> Sent { get; } = [];
    public List<(string Queue, string Message, string Reason)> Parked { get; } = [];
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    private StandaloneHost(Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        Keys.Setup(k => k.IsKnownAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string key, CancellationToken _) => key == WriteKey);
        Raw.Setup(r => r.WriteAsync(It.IsAny<RawBlobName>(), It.IsAny<ReadOnlyMemory<byte>>(), It.IsAny<CancellationToken>()))
            .Callback((RawBlobName n, ReadOnlyMemory<byte> b, CancellationToken _) => { lock (Written) { Written.Add((n, b.ToArray())); } })
            .Returns(Task.CompletedTask);
        Raw.Setup(r => r.ExistsAsync(It.IsAny<RawBlobName>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RawBlobName n, CancellationToken _) => { lock (Written) { return Written.Any(w => w.Name == n); } });
        Links.Setup(l => l.FindAsync(It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<string, IdentityLink>());
        Links.Setup(l => l.AddAsync(It.IsAny<IReadOnlyCollection<IdentityLink>>(), It.IsAny<CancellationToken>()))
            .Returns(Task.CompletedTask);
        Sender.Setup(s => s.SendAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Callback((string q, IReadOnlyList<string> m, CancellationToken _) => { lock (Sent) { Sent.Add((q, m)); } })
            .Returns(Task.CompletedTask);
        Sender.Setup(s => s.ParkAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback((string q, string m, string reason, CancellationToken _) => { lock (Parked) { Parked.Add((q, m, reason)); } })
            .Returns(Task.CompletedTask);

        // The in-memory Durable Task engine listens on a loopback port found free; if another test took it meanwhile, build again.
        for (var attempt = 1; ; attempt++)
        {
            _app = StandaloneApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            foreach (var (key, value) in settings)
            {
                builder.Configuration[key] = value;
            }
            // Storage is mocked: no containers to create, no queues to poll, no timers. The Durable Task engine stays.
            builder.Services.RemoveAll<Funnel.Standalone.Hosting.StorageBootstrap>();
            foreach (var bootstrap in builder.Services.Where(d => d.ImplementationType == typeof(Funnel.Standalone.Hosting.StorageBootstrap)).ToList())
            {
                builder.Services.Remove(bootstrap);
            }
            builder.Configuration["Standalone:RunQueuePollers"] ??= "false";
            builder.Configuration["Standalone:RunTimers"] = "false";
            builder.Configuration["Privacy:HashSecret"] ??= Funnel.Testing.TestSecrets.HashSecret;
            builder.Services.AddSingleton<Funnel.Events.Privacy.IErasureLog>(ErasureLog);
            builder.Services.AddSingleton(Keys.Object);
            builder.Services.AddSingleton(Raw.Object);
            builder.Services.AddSingleton(Links.Object);
            builder.Services.AddSingleton<IRawBatchClaims>(new Funnel.Testing.InMemoryRawBatchClaims());
            builder.Services.AddSingleton<Funnel.Engine.Aggregation.IRunHistory>(new Funnel.Testing.InMemoryRunHistory());
            builder.Services.AddSingleton<Funnel.Metrics.IDefinitionsStore>(new Funnel.Testing.InMemoryDefinitionsStore());
            builder.Services.AddSingleton<Funnel.Metrics.ISpendTable>(new Funnel.Testing.InMemorySpendTable());
            builder.Services.AddSingleton(Sender.Object);
            // Messages stay in memory: the claim-check blob path is covered against Azurite.
            builder.Services.AddSingleton<IEventBatchMessages>(new InMemoryBatchMessages());
            services?.Invoke(builder.Services);
        });
            try
            {
                _app.StartAsync().GetAwaiter().GetResult();
                break;
            }
            catch (IOException ex) when (attempt < 5 && ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
            {
                _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        Client = _app.GetTestClient();
    }

    public static StandaloneHost Start(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) => new(settings ?? [], services);

    public static string Basic(string key) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":"));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class InMemoryBatchMessages : IEventBatchMessages
    {
        /// <summary>One plain message per batch, so tests read what each request queued.</summary>
        public Task<IReadOnlyList<string>> ToMessagesAsync(IReadOnlyList<RawEventBatch> batches, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([.. batches.Select(b => Encoding.UTF8.GetString(RawEventBatchCodec.Serialize(b)))]);

        public Task<IReadOnlyList<RawEventBatch>> FromMessageAsync(string message, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RawEventBatch>>([RawEventBatchCodec.Deserialize(Encoding.UTF8.GetBytes(message))]);
    }
}
