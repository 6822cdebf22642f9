using System.Text.RegularExpressions;
using System.Xml.Linq;
using Funnel.Testing;

namespace Funnel.Infra.Tests;

/// <summary>
/// The map in docs/architecture.md holds: each project reaches only the projects its row lists, each domain folder uses
/// only the folders its row lists, and no folder of any project uses another in a cycle.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly string Source = RepoPaths.Of("functions", "src");

    /// <summary>The projects that are the domain: their folders have a row each in the map.</summary>
    private static readonly string[] Domain = ["Funnel.Events", "Funnel.Metrics", "Funnel.Reports", "Funnel.Engine", "Funnel.Simulation"];

    [GeneratedRegex(@"^\|\s*`(?<name>Funnel[\w.]*)`\s*\|(?:[^|]*\|)?\s*(?<uses>[^|]*)\|\s*$")]
    private static partial Regex MapRow();

    [GeneratedRegex(@"`(Funnel[\w.]*)`")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"(?<![\w.])(Funnel(?:\.[A-Z]\w*)+)")]
    private static partial Regex Qualified();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.[A-Z]")]
    private static partial Regex PartlyQualified();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^(?:public |internal |file )?(?:sealed |static |abstract |readonly |partial |ref )*(?:class|record struct|record|struct|interface|enum)\s+([A-Z]\w*)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"(?<!/)//(?!/).*$|""(?:[^""\\\n]|\\.)*""", RegexOptions.Multiline)]
    private static partial Regex CommentOrText();

    /// <summary>The rows of one section of docs/architecture.md: name → what it may use.</summary>
    private static Dictionary<string, HashSet<string>> Map(string section)
    {
        var lines = File.ReadAllLines(RepoPaths.Of("docs", "architecture.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == $"## {section}");
        Assert.True(start >= 0, $"docs/architecture.md has no '## {section}' section");
        var rows = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (MapRow().Match(line) is { Success: true } row)
            {
                rows.Add(row.Groups["name"].Value, [.. Quoted().Matches(row.Groups["uses"].Value).Select(m => m.Groups[1].Value)]);
            }
        }
        return rows;
    }

    /// <summary>Each project under functions/src and the projects its own references name.</summary>
    private static Dictionary<string, List<string>> ProjectReferences() =>
        Directory.GetDirectories(Source).SelectMany(d => Directory.GetFiles(d, "*.csproj")).ToDictionary(
            p => Path.GetFileNameWithoutExtension(p),
            p => XDocument.Load(p).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList(),
            StringComparer.Ordinal);

    private static HashSet<string> Reached(string project, Dictionary<string, List<string>> references)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>(references[project]);
        while (next.TryPop(out var p))
        {
            if (reached.Add(p))
            {
                foreach (var q in references.GetValueOrDefault(p) ?? [])
                {
                    next.Push(q);
                }
            }
        }
        return reached;
    }

    /// <summary>Project violations: a project reaching one its row does not list, a project without a row, a row without a project.</summary>
    internal static List<string> ProjectViolations(Dictionary<string, List<string>> references, Dictionary<string, HashSet<string>> map)
    {
        var found = new List<string>();
        foreach (var project in references.Keys.Order(StringComparer.Ordinal))
        {
            if (!map.TryGetValue(project, out var allowed))
            {
                found.Add($"{project} has no row in docs/architecture.md");
                continue;
            }
            found.AddRange(Reached(project, references).Where(p => !allowed.Contains(p)).Order(StringComparer.Ordinal)
                .Select(p => $"{project} may not use {p} (it reaches it through its project references)"));
        }
        found.AddRange(map.Keys.Where(p => !references.ContainsKey(p)).Select(p => $"docs/architecture.md lists {p}, which is not a project under functions/src"));
        return found;
    }

    /// <summary>One source file: its project, namespace, and the namespaces it uses (of the app's own, besides its own).</summary>
    internal sealed record SourceFile(string Path, string Project, string Namespace, IReadOnlySet<string> Uses);

    /// <summary>Every .cs file under functions/src with the namespaces it uses: by using directive, by qualified name, by a name qualified from a parent namespace, or by a type of a parent namespace.</summary>
    internal static List<SourceFile> SourceFiles()
    {
        var files = Directory.GetFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Path: p, Text: File.ReadAllText(p)))
            .Select(f => (f.Path, f.Text, Namespace: NamespaceDeclaration().Match(f.Text) is { Success: true } m ? m.Groups[1].Value : ""))
            .Where(f => f.Namespace.Length > 0)
            .ToList();
        var namespaces = files.Select(f => f.Namespace).ToHashSet(StringComparer.Ordinal);
        var types = files.GroupBy(f => f.Namespace).ToDictionary(g => g.Key, g => g.SelectMany(f => TypeDeclaration().Matches(f.Text).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal));
        string? Known(string name)
        {
            for (var candidate = name; candidate.Length > 0; candidate = candidate.LastIndexOf('.') is var dot && dot > 0 ? candidate[..dot] : "")
            {
                if (namespaces.Contains(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }
        return [.. files.Select(f =>
        {
            var code = CommentOrText().Replace(f.Text, "");
            var ancestors = Ancestors(f.Namespace).ToList();
            var uses = new HashSet<string>(StringComparer.Ordinal);
            uses.UnionWith(UsingDirective().Matches(code).Select(m => Known(m.Groups[1].Value)).OfType<string>());
            uses.UnionWith(Qualified().Matches(code).Select(m => Known(m.Groups[1].Value)).OfType<string>());
            // From Funnel.Engine.Aggregation, "Processing.RawBlobName" is Funnel.Engine.Processing: a parent's child, named in part.
            uses.UnionWith(PartlyQualified().Matches(code).SelectMany(m => ancestors.Select(a => $"{a}.{m.Groups[1].Value}")).Where(namespaces.Contains));
            // A parent namespace's types need no using: a file uses its parent when it names one of them (and its own has none so called).
            var own = types.GetValueOrDefault(f.Namespace) ?? [];
            var names = Identifier().Matches(code).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            uses.UnionWith(ancestors.Skip(1).Where(a => (types.GetValueOrDefault(a) ?? []).Any(t => names.Contains(t) && !own.Contains(t))));
            uses.Remove(f.Namespace);
            var project = Path.GetRelativePath(Source, f.Path).Split(Path.DirectorySeparatorChar)[0];
            return new SourceFile(Path.GetRelativePath(Source, f.Path), project, f.Namespace, uses);
        })];
    }

    /// <summary>The namespace itself and every enclosing one: Funnel.Engine.Aggregation, Funnel.Engine, Funnel.</summary>
    private static IEnumerable<string> Ancestors(string ns)
    {
        for (var n = ns; n.Length > 0; n = n.LastIndexOf('.') is var dot && dot > 0 ? n[..dot] : "")
        {
            yield return n;
        }
    }

    /// <summary>Domain folder violations: a file using a namespace of the app its folder's row does not list, or a folder without a row.</summary>
    internal static List<string> FolderViolations(IEnumerable<SourceFile> files, Dictionary<string, HashSet<string>> map)
    {
        var found = new List<string>();
        foreach (var file in files.Where(f => Domain.Contains(f.Project)))
        {
            if (!map.TryGetValue(file.Namespace, out var allowed))
            {
                found.Add($"{file.Namespace} ({file.Path}) has no row in docs/architecture.md");
                continue;
            }
            found.AddRange(file.Uses.Where(u => u.StartsWith("Funnel", StringComparison.Ordinal) && !allowed.Contains(u)).Order(StringComparer.Ordinal)
                .Select(u => $"{file.Path}: {file.Namespace} may not use {u}"));
        }
        return [.. found.Distinct()];
    }

    /// <summary>Each cycle among the folders of one project (an app's root namespace, its composition, left out), as "a → b → a".</summary>
    internal static List<string> FolderCycles(IEnumerable<SourceFile> files)
    {
        var cycles = new List<string>();
        foreach (var project in files.GroupBy(f => f.Project))
        {
            var roots = Domain.Contains(project.Key) ? new HashSet<string>(StringComparer.Ordinal) : [project.Key];
            var edges = project.Where(f => !roots.Contains(f.Namespace))
                .GroupBy(f => f.Namespace)
                .ToDictionary(g => g.Key, g => g.SelectMany(f => f.Uses).Where(u => project.Any(f => f.Namespace == u) && !roots.Contains(u)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            var state = new Dictionary<string, int>(StringComparer.Ordinal);
            var path = new List<string>();
            void Visit(string n)
            {
                state[n] = 1;
                path.Add(n);
                foreach (var m in (edges.GetValueOrDefault(n) ?? []).Order(StringComparer.Ordinal))
                {
                    if (state.GetValueOrDefault(m) == 1)
                    {
                        cycles.Add(string.Join(" → ", path.Skip(path.IndexOf(m)).Append(m)));
                    }
                    else if (state.GetValueOrDefault(m) == 0)
                    {
                        Visit(m);
                    }
                }
                path.RemoveAt(path.Count - 1);
                state[n] = 2;
            }
            foreach (var n in edges.Keys.Order(StringComparer.Ordinal).Where(n => state.GetValueOrDefault(n) == 0))
            {
                Visit(n);
            }
        }
        return cycles;
    }

    [Fact]
    public void Every_project_reaches_only_the_projects_the_map_lists()
    {
        var violations = ProjectViolations(ProjectReferences(), Map("Projects"));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_deployed_app_cannot_reach_the_simulator_and_the_domain_no_adapter()
    {
        var references = ProjectReferences();
        Assert.DoesNotContain("Funnel.Simulation", Reached("Funnel.Functions", references));
        foreach (var project in Domain)
        {
            Assert.DoesNotContain(Reached(project, references), p => !Domain.Contains(p));
        }
        // The map says so too, so the checks above cannot pass on a map that allows it.
        Assert.DoesNotContain("Funnel.Simulation", Map("Projects")["Funnel.Functions"]);
    }

    [Fact]
    public void Every_domain_folder_uses_only_the_folders_the_map_lists()
    {
        var files = SourceFiles();
        Assert.True(files.Count(f => Domain.Contains(f.Project)) > 100, "the domain's sources were not found");
        var violations = FolderViolations(files, Map("Folders"));
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void No_folder_of_any_project_uses_another_in_a_cycle()
    {
        var files = SourceFiles();
        var cycles = FolderCycles(files);
        Assert.True(cycles.Count == 0, string.Join("\n", cycles));
        // The map allows none either: every domain folder's row only lists folders that do not list it back, directly or not.
        var map = Map("Folders").Where(r => Domain.Any(d => r.Key.StartsWith(d, StringComparison.Ordinal)))
            .Select(r => new SourceFile(r.Key, Domain.First(d => r.Key.StartsWith(d, StringComparison.Ordinal)), r.Key, r.Value)).ToList();
        Assert.Empty(FolderCycles(map.Select(f => f with { Project = "map" })));
    }

    [Fact]
    public void A_wrong_reference_or_use_is_named()
    {
        // The deliberate mistakes the checks exist for: the function app referencing the simulator, a metric using the engine,
        // and two folders using each other.
        var references = ProjectReferences();
        references["Funnel.Functions"] = [.. references["Funnel.Functions"], "Funnel.Simulation"];
        Assert.Contains("Funnel.Functions may not use Funnel.Simulation (it reaches it through its project references)", ProjectViolations(references, Map("Projects")));

        var files = SourceFiles();
        var metric = files.First(f => f.Namespace == "Funnel.Metrics");
        var wrong = files.Select(f => f == metric ? f with { Uses = new HashSet<string>(f.Uses) { "Funnel.Engine.Aggregation" } } : f).ToList();
        Assert.Contains($"{metric.Path}: Funnel.Metrics may not use Funnel.Engine.Aggregation", FolderViolations(wrong, Map("Folders")));

        var scheduling = files.First(f => f.Namespace == "Funnel.Engine.Scheduling");
        var cycle = files.Select(f => f.Namespace == "Funnel.Engine.Processing" ? f with { Uses = new HashSet<string>(f.Uses) { scheduling.Namespace } } : f).ToList();
        Assert.Contains("Funnel.Engine.Processing → Funnel.Engine.Scheduling → Funnel.Engine.Processing", FolderCycles(cycle));
    }
}
