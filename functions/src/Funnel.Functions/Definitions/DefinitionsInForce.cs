using System.Collections.Concurrent;
using Funnel.Engine.Aggregation;
using Funnel.Functions.Configuration;
using Funnel.Metrics;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Definitions;

/// <summary>
/// The definitions a day's run uses: the document in force when the run is planned (the built-in definitions until one is
/// uploaded, <paramref name="builtIn"/>), named by its version so every activity of that run reads the same one, whatever is
/// uploaded meanwhile.
/// </summary>
public sealed class DefinitionsInForce(IDefinitionsStore store, DayRun builtIn, IOptions<ReportingOptions> reporting)
{
    private readonly ConcurrentDictionary<string, DayRun> _runs = new(StringComparer.Ordinal);

    /// <summary>The version in force; a stored document that cannot be used fails the run with the reason.</summary>
    public async Task<string> VersionInForceAsync(CancellationToken cancellationToken)
    {
        if (await store.ReadInForceAsync(cancellationToken) is not { } document)
        {
            return DefinitionsDocument.BuiltIn;
        }
        var version = DefinitionsDocument.VersionOf(document);
        _runs.GetOrAdd(version, _ => RunOf(document, $"config/{Storage.Definitions.BlobDefinitionsStore.InForceBlob}"));
        return version;
    }

    /// <summary>The day's run with the definitions of <paramref name="version"/> (null: the built-in ones, as runs planned before definitions were stored).</summary>
    public async Task<DayRun> RunAsync(string? version, CancellationToken cancellationToken)
    {
        version ??= DefinitionsDocument.BuiltIn;
        if (_runs.TryGetValue(version, out var run))
        {
            return run;
        }
        if (version == DefinitionsDocument.BuiltIn)
        {
            return builtIn;
        }
        var blob = $"config/{Storage.Definitions.BlobDefinitionsStore.VersionBlob(version)}";
        var document = await store.ReadVersionAsync(version, cancellationToken)
            ?? throw new DefinitionsUnusableException($"{blob}, the definitions this run started with, is missing");
        return _runs.GetOrAdd(version, _ => RunOf(document, blob));
    }

    /// <summary>The run with the definitions in force now (the erasure round recomputes figures with them).</summary>
    public async Task<DayRun> RunInForceAsync(CancellationToken cancellationToken) => await RunAsync(await VersionInForceAsync(cancellationToken), cancellationToken);

    private DayRun RunOf(string document, string blob)
    {
        var (definitions, problems) = MetricDefinitions.Parse(document);
        return definitions is null
            ? throw new DefinitionsUnusableException($"{blob} cannot be used: {DefinitionProblem.Describe(problems)}; upload a valid document with PUT /ops/definitions")
            : new DayRun(definitions, reporting.Value.TimeZone);
    }
}

/// <summary>A stored definitions document the run cannot use; the message says which and why (it becomes <c>run.failed</c>'s reason).</summary>
public sealed class DefinitionsUnusableException(string message) : Exception(message);
