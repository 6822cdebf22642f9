using System.Globalization;
using Funnel.Storage;

namespace Funnel.Standalone.Hosting;

/// <summary>
/// The queue trigger's settings as the Functions host takes them: the function app's own <c>host.json</c>
/// (<c>extensions.queues</c>), each overridable by an <c>AzureFunctionsJobHost__extensions__queues__{name}</c>
/// app setting, and the Storage Queues extension's defaults for what neither sets.
/// </summary>
/// <param name="BatchSize">Messages fetched at once (1-32).</param>
/// <param name="NewBatchThreshold">A new batch is fetched once this many or fewer messages of the last ones are still running.</param>
/// <param name="VisibilityTimeout">How long a message whose function failed stays invisible before it is delivered again.</param>
/// <param name="MaxDequeueCount">Deliveries a failing message gets before it is moved to its poison queue.</param>
/// <param name="MaxPollingInterval">Longest wait between polls of an empty queue.</param>
/// <param name="MessageEncoding">How message bodies travel: <c>none</c> (plain text) is the only one the app's sender writes.</param>
public sealed record QueueTriggerSettings(
    int BatchSize,
    int NewBatchThreshold,
    TimeSpan VisibilityTimeout,
    int MaxDequeueCount,
    TimeSpan MaxPollingInterval,
    string MessageEncoding)
{
    /// <summary>Where the Functions host lets app settings override <c>host.json</c>'s queue settings.</summary>
    public const string OverrideSection = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>The extension's floor for polling an empty queue, and the first wait after messages were found.</summary>
    public static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Every <c>extensions.queues</c> setting this host follows; a test holds <c>host.json</c> to this list.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["batchSize", "newBatchThreshold", "visibilityTimeout", "maxDequeueCount", "maxPollingInterval", "messageEncoding"];

    private const string PoisonSuffix = "-poison";

    /// <summary>Reads <paramref name="hostJson"/> and the overrides in <paramref name="configuration"/>; throws naming the setting when one is invalid.</summary>
    public static QueueTriggerSettings Read(string hostJson, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!File.Exists(hostJson))
        {
            throw new InvalidOperationException($"the standalone host takes its queue trigger settings from the function app's host.json, which is missing at {hostJson}");
        }
        var fromFile = new ConfigurationBuilder().AddJsonFile(hostJson, optional: false, reloadOnChange: false).Build().GetSection("extensions:queues");
        var overrides = configuration.GetSection(OverrideSection);
        string? Value(string name) => overrides[name] ?? fromFile[name];

        var batchSize = Int(Value("batchSize"), "batchSize", 16);
        var settings = new QueueTriggerSettings(
            batchSize,
            // The extension's default when unset: half a batch per processor.
            Int(Value("newBatchThreshold"), "newBatchThreshold", batchSize / 2 * Environment.ProcessorCount),
            Span(Value("visibilityTimeout"), "visibilityTimeout", TimeSpan.Zero),
            Int(Value("maxDequeueCount"), "maxDequeueCount", 5),
            Span(Value("maxPollingInterval"), "maxPollingInterval", TimeSpan.FromMinutes(1)),
            (Value("messageEncoding") ?? "base64").ToLowerInvariant());
        settings.Validate();
        return settings;
    }

    /// <summary>The queue a trigger on <paramref name="queue"/> moves failed messages to, or null where the Functions host has none (a poison queue itself, or a name too long for the suffix).</summary>
    public static string? PoisonQueueOf(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.EndsWith(PoisonSuffix, StringComparison.Ordinal) || queue.Length + PoisonSuffix.Length > 63 ? null : StorageNames.PoisonQueueOf(queue);
    }

    private void Validate()
    {
        Require(BatchSize is >= 1 and <= 32, "batchSize", "between 1 and 32 (Storage hands out at most 32 messages at once)");
        Require(NewBatchThreshold >= 0, "newBatchThreshold", "zero or more");
        Require(VisibilityTimeout >= TimeSpan.Zero, "visibilityTimeout", "zero or more");
        Require(MaxDequeueCount >= 1, "maxDequeueCount", "at least 1");
        Require(MaxPollingInterval >= MinimumPollingInterval, "maxPollingInterval", $"at least {MinimumPollingInterval}");
        // The app's sender writes plain UTF-8 text; base64 would have the trigger fail to decode every message, under either host.
        Require(MessageEncoding == "none", "messageEncoding", "\"none\": the app queues plain text");
    }

    private static void Require(bool valid, string name, string what)
    {
        if (!valid)
        {
            throw new InvalidOperationException($"host.json extensions.queues.{name} (or {OverrideSection.Replace(":", "__", StringComparison.Ordinal)}__{name}) must be {what}");
        }
    }

    private static int Int(string? value, string name, int fallback) =>
        value is null ? fallback
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new InvalidOperationException($"host.json extensions.queues.{name} is '{value}', not a whole number");

    private static TimeSpan Span(string? value, string name, TimeSpan fallback) =>
        value is null ? fallback
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new InvalidOperationException($"host.json extensions.queues.{name} is '{value}', not a time span such as 00:00:10");
}
