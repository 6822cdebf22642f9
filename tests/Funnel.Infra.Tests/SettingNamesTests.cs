using System.Reflection;
using System.Text.Json.Nodes;
using Funnel.Functions;
using Funnel.Functions.Configuration;
using Funnel.Standalone.Hosting;
using Funnel.Storage.Configuration;
using Funnel.Storage.Notifications;

namespace Funnel.Infra.Tests;

/// <summary>functions/settings.json is the one list of setting names; Bicep, the sample settings, the trigger connections and the app's options agree with it.</summary>
public class SettingNamesTests
{
    private static readonly JsonObject Names = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("functions", "settings.json")))!.AsObject();

    private static IEnumerable<string> Group(string group) => Names[group]!.AsObject().Select(p => p.Value!.ToString());

    private static readonly Dictionary<string, Type> OptionSections = new()
    {
        [PipelineOptions.Section] = typeof(PipelineOptions),
        [IngestOptions.Section] = typeof(IngestOptions),
        [ReportingOptions.Section] = typeof(ReportingOptions),
        [AggregationOptions.Section] = typeof(AggregationOptions),
        [ReportsApiOptions.Section] = typeof(ReportsApiOptions),
        [StorageOptions.Section] = typeof(StorageOptions),
        [ServiceBusOptions.Section] = typeof(ServiceBusOptions),
        [PrivacyOptions.Section] = typeof(PrivacyOptions),
    };

    /// <summary>The identity-based connections: the host's storage and the app's own storage.</summary>
    private static string[] Connections() => [Names["functionsHost"]!["hostStorage"]!.ToString(), Names["app"]!["storage"]!.ToString()];

    /// <summary>Every name the list allows: host settings, app settings, and identity connections with their suffixes.</summary>
    private static HashSet<string> Allowed()
    {
        var allowed = Group("functionsHost").Concat(Group("app")).ToHashSet(StringComparer.Ordinal);
        allowed.UnionWith(Connections().SelectMany(c => Group("identityConnectionSuffixes").Select(s => c + s)));
        return allowed;
    }

    [Fact]
    public void Every_app_setting_names_a_property_of_the_options_the_app_binds()
    {
        foreach (var name in Group("app"))
        {
            var parts = name.Split("__");
            Assert.True(OptionSections.TryGetValue(parts[0], out var options), $"{name}: no options section {parts[0]}");
            if (parts.Length > 1)
            {
                Assert.NotNull(options!.GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase));
            }
        }
    }

    [Fact]
    public void Identity_suffixes_name_properties_of_the_storage_options()
    {
        foreach (var suffix in new[] { "blobServiceUri", "queueServiceUri", "tableServiceUri", "credential", "clientId" })
        {
            Assert.NotNull(typeof(StorageOptions).GetProperty(Names["identityConnectionSuffixes"]![suffix]!.ToString()[2..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase));
        }
    }

    [Fact]
    public void The_queue_trigger_connection_is_the_listed_host_storage_setting()
    {
        Assert.Equal(FunctionNames.StorageConnection, Names["functionsHost"]!["hostStorage"]!.ToString());
    }

    [Fact]
    public void The_standalone_hosts_settings_are_exactly_its_own_options()
    {
        var listed = Group("standaloneHost").ToList();
        Assert.All(listed, name => Assert.StartsWith(StandaloneOptions.Section + "__", name, StringComparison.Ordinal));
        var properties = typeof(StandaloneOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => $"{StandaloneOptions.Section}__{p.Name}");
        Assert.Equal(properties.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_sample_local_settings_use_only_listed_names()
    {
        var allowed = Allowed();
        foreach (var (name, _) in JsonNode.Parse(File.ReadAllText(RepoPaths.Of("local.settings.sample.json")))!["Values"]!.AsObject())
        {
            var listed = allowed.Contains(name) || allowed.Contains(System.Text.RegularExpressions.Regex.Replace(name, "__[0-9]+$", ""));
            Assert.True(listed, $"local.settings.sample.json names {name}, which functions/settings.json does not list");
        }
    }

    [Fact]
    public void Bicep_sets_only_listed_names()
    {
        var allowed = Allowed();
        var settings = new ArmExpression(Bicep.Module("functionapp")).Variable("appSettings")!.AsArray().Select(s => s!["name"]!.ToString()).ToList();
        Assert.NotEmpty(settings);
        Assert.All(settings, name => Assert.Contains(name, allowed));
        Assert.Equal(settings.Count, settings.Distinct().Count());
    }
}
