using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Ingest;
using Moq;

namespace Funnel.Domain.Tests.Ingest;

/// <summary>An <see cref="EventIntake"/> with one known write key ("good-key") and a fixed receive time.</summary>
internal sealed class IntakeHarness
{
    public static readonly DateTimeOffset ReceivedAt = new(2026, 11, 24, 10, 0, 20, TimeSpan.Zero);

    public Mock<IWriteKeyDirectory> Keys { get; } = new();

    public EventIntake Intake { get; }

    public IntakeHarness()
    {
        Keys.Setup(k => k.IsKnownAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((string key, CancellationToken _) => key == "good-key");
        Intake = new EventIntake(Keys.Object, new IngestLimits(), new FixedClock(ReceivedAt));
    }

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
