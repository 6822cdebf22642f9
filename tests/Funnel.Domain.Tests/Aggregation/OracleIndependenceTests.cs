using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Funnel.Engine.Aggregation;
using Funnel.Events;
using Funnel.Metrics;
using Funnel.Oracle;
using Funnel.Reports;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>The oracle may use nothing of the engine but the event record and its reader, read from its compiled type references.</summary>
public class OracleIndependenceTests
{
    private static readonly string[] Allowed =
    [
        "Funnel.Events.ProductEvent",
        "Funnel.Events.EventType",
        "Funnel.Events.ProductEventReader",
        "Funnel.Events.MalformedLine",
    ];

    /// <summary>The domain's assemblies: whatever the oracle takes from them is checked against <see cref="Allowed"/>.</summary>
    private static readonly string[] Domain = ["Funnel.Events", "Funnel.Metrics", "Funnel.Reports", "Funnel.Engine", "Funnel.Simulation"];

    /// <summary>The Funnel.* assemblies an assembly references, and every type it references from the domain (nested types by their outermost type).</summary>
    private static (List<string> Assemblies, SortedSet<string> DomainTypes) References(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var metadata = pe.GetMetadataReader();
        var assemblies = metadata.AssemblyReferences
            .Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))
            .Where(n => n.StartsWith("Funnel.", StringComparison.Ordinal))
            .ToList();
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var type = metadata.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = metadata.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            }
            if (type.ResolutionScope.Kind == HandleKind.AssemblyReference
                && Domain.Contains(metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name)))
            {
                types.Add($"{metadata.GetString(type.Namespace)}.{metadata.GetString(type.Name)}");
            }
        }
        return (assemblies, types);
    }

    [Fact]
    public void The_oracle_references_no_engine_type_but_the_event_record_and_reader()
    {
        var (assemblies, types) = References(typeof(NaiveOracle).Assembly.Location);
        Assert.Equal(["Funnel.Events"], assemblies);
        Assert.Contains("Funnel.Events.ProductEvent", types);
        Assert.Empty(types.Except(Allowed));
    }

    [Fact]
    public void The_same_check_finds_the_engine_types_an_assembly_does_use()
    {
        // This test assembly runs the engine (and names some of its types right here), so the check must find them outside the allowed set.
        var (_, types) = References(typeof(OracleIndependenceTests).Assembly.Location);
        var outside = types.Except(Allowed).ToList();
        Assert.Contains(typeof(ReportAssembler).FullName!, outside);
        Assert.Contains(typeof(ReportJson).FullName!, outside);
        Assert.Contains(typeof(MetricDefinitions).FullName!, outside);
        Assert.Contains(typeof(DayRun).FullName!, outside);
        Assert.DoesNotContain(typeof(ProductEvent).FullName!, outside);
    }
}
