using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Events.Ingest;
using Funnel.Events.Privacy;
using Moq;

namespace Funnel.Domain.Tests.Ingest;

/// <summary>An <see cref="EventIntake"/> with one known write key ("good-key") and a fixed receive time.</summary>
internal sealed class IntakeHarness
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 10, 0, 20, TimeSpan.Zero);

    public Mock<IWriteKeyDirectory> Keys { get; } = new();

    public EventIntake Intake { get; }

    /// <summary>The erasure requests the intake sees.</summary>
    public List<ErasureRequest> Erasures { get; } = [];

    public IntakeHarness(MaskingRules? masking = null)
    {
        Keys.Setup(k => k.IsKnownAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string key, CancellationToken _) => key == "good-key");
        var log = new Mock<IErasureLog>();
        log.Setup(l => l.ListAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() => Erasures.ToList());
        var clock = new FixedClock(ReceivedAt);
        Intake = new EventIntake(Keys.Object, new IngestLimits(), clock, new EventMasking(masking ?? DefaultMasking), new ErasedPersonsCache(log.Object, clock));
    }

    /// <summary>The default hash keys with a secret made for this test run.</summary>
    public static MaskingRules DefaultMasking { get; } = new(IpMasking.Truncate, MaskingRules.DefaultHashKeys, [], System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public Task<IngestResult> PostAsync(string route, string json, string? writeKey = null, string contentType = "application/json") =>
        PostBytesAsync(route, Encoding.UTF8.GetBytes(json), writeKey ?? "good-key", contentType, null);

    public Task<IngestResult> PostBytesAsync(string route, byte[] body, string? writeKey, string? contentType, string? contentEncoding) =>
        Intake.ReceiveAsync(new IngestRequest(route, contentType, contentEncoding, writeKey, body), CancellationToken.None);

    public static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }

    public static List<JsonElement> Events(IngestResult result) =>
        result.Batch!.Events.Select(e => JsonDocument.Parse(e).RootElement.Clone()).ToList();
}
