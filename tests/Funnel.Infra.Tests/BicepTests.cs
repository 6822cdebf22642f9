using System.Text.Json.Nodes;
using Funnel.Handler;
using Funnel.Storage;

namespace Funnel.Infra.Tests;

/// <summary>infra/main.bicep compiles cleanly and declares what the pipeline needs, with the security settings we promise.</summary>
public class BicepTests
{
    private static readonly JsonObject Settings = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("functions", "settings.json")))!.AsObject();

    private static string Setting(string group, string key) => Settings[group]![key]!.ToString();

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("main.bicepparam")]
    public void The_linter_reports_nothing(string file)
    {
        var (exitCode, output) = Bicep.Run("lint", file);
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"bicep lint {file}: {output}");
    }

    [Fact]
    public void No_registry_modules_are_used()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.Of("infra"), "*.bicep", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain("br/public", File.ReadAllText(file), StringComparison.Ordinal);
            Assert.DoesNotContain("br:", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_storage_account_is_private_keyless_and_recoverable()
    {
        var template = Bicep.Module("storage");
        var account = Bicep.Resource(template, "Microsoft.Storage/storageAccounts")["properties"]!;
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(account["supportsHttpsTrafficOnly"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", account["minimumTlsVersion"]!.ToString());
        var blobService = Bicep.Resource(template, "Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        Assert.True(blobService["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void Every_container_and_table_the_code_uses_is_declared()
    {
        var template = Bicep.Module("storage");
        var eval = new ArmExpression(template);
        var containers = eval.Variable("containers")!.AsArray().Select(c => c!.ToString()).ToList();
        foreach (var container in new[] { StorageNames.RawContainer, StorageNames.StateContainer, StorageNames.PartialsContainer, StorageNames.ReportsContainer, StorageNames.IngestOverflowContainer })
        {
            Assert.Contains(container, containers);
        }
        Assert.Contains("{parameters:deploymentContainerName}", containers);
        Assert.Equal("deployments", new ArmExpression(Bicep.MainTemplate).Variable("deploymentContainer")!.ToString());
        Assert.Equal(
            new[] { StorageNames.AggregationRunsTable, StorageNames.DailyMetricsTable, StorageNames.WriteKeysTable, StorageNames.ReadKeysTable, StorageNames.IdentityLinksTable }.Order(),
            eval.Variable("tables")!.AsArray().Select(t => t!.ToString()).Order());
    }

    [Fact]
    public void Raw_blobs_move_to_cool_after_the_configured_days()
    {
        var rule = Bicep.Resource(Bicep.Module("storage"), "Microsoft.Storage/storageAccounts/managementPolicies")["properties"]!["policy"]!["rules"]![0]!["definition"]!;
        Assert.Equal("raw/", rule["filters"]!["prefixMatch"]![0]!.ToString());
        Assert.Equal("[parameters('rawCoolAfterDays')]", rule["actions"]!["baseBlob"]!["tierToCool"]!["daysAfterModificationGreaterThan"]!.ToString());
        Assert.Equal(30, Bicep.MainTemplate["parameters"]!["rawCoolAfterDays"]!["defaultValue"]!.GetValue<int>());
    }

    [Fact]
    public void Service_Bus_is_standard_with_SAS_off_and_every_queue_deduplicates_and_dead_letters()
    {
        var template = Bicep.Module("servicebus");
        var ns = Bicep.Resource(template, "Microsoft.ServiceBus/namespaces");
        Assert.Equal("Standard", ns["sku"]!["name"]!.ToString());
        Assert.True(ns["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        var queue = Bicep.Resource(template, "Microsoft.ServiceBus/namespaces/queues")["properties"]!;
        Assert.True(queue["requiresDuplicateDetection"]!.GetValue<bool>());
        Assert.True(queue["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
        Assert.Equal("[parameters('maxDeliveryCount')]", queue["maxDeliveryCount"]!.ToString());
        Assert.Equal(FunctionCatalog.MaxDeliveryCount, Settings["maxDeliveryCount"]!.GetValue<int>());

        var queues = Settings["queues"]!.AsArray().Select(q => q!.ToString()).ToList();
        Assert.Equal(new[] { StorageNames.EventsQueue, StorageNames.AggregateShardQueue, StorageNames.FinalizeReportQueue }, queues);
    }

    [Fact]
    public void Every_queue_a_function_json_names_exists_in_the_namespace()
    {
        var queues = Settings["queues"]!.AsArray().Select(q => q!.ToString()).ToList();
        foreach (var binding in FunctionBindings().Where(b => b["queueName"] is not null))
        {
            Assert.Contains(binding["queueName"]!.ToString(), queues);
        }
    }

    [Fact]
    public void The_function_app_runs_the_custom_handler_on_Linux_as_its_identity_over_https_only()
    {
        var template = Bicep.Module("functionapp");
        var site = Bicep.Resource(template, "Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site["kind"]!.ToString());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.ToString());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("Disabled", properties["siteConfig"]!["ftpsState"]!.ToString());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.ToString());
        Assert.True(Bicep.Resource(template, "Microsoft.Web/serverfarms")["properties"]!["reserved"]!.GetValue<bool>());
        Assert.All(Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            policy => Assert.False(policy["properties"]!["allow"]!.GetValue<bool>()));
        Assert.Equal("custom", AppSettings()["FUNCTIONS_WORKER_RUNTIME"]);
    }

    [Fact]
    public void No_app_setting_carries_a_key_and_nothing_lists_keys()
    {
        foreach (var (name, value) in AppSettings())
        {
            foreach (var secret in new[] { "AccountKey=", "SharedAccessKey", "SharedAccessSignature", "listKeys", "sig=" })
            {
                Assert.False(value.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{name} carries {secret}");
            }
        }
        Assert.DoesNotContain("listKeys", Bicep.MainTemplate.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_connection_a_function_json_names_has_its_identity_based_settings()
    {
        var settings = AppSettings();
        foreach (var connection in FunctionBindings().Select(b => b["connection"]?.ToString()).OfType<string>().Distinct())
        {
            Assert.Equal("{parameters:serviceBusNamespace}", settings[$"{connection}__fullyQualifiedNamespace"]);
            Assert.Equal("managedidentity", settings[$"{connection}__credential"]);
            Assert.Equal("{parameters:identityClientId}", settings[$"{connection}__clientId"]);
        }
        foreach (var storage in new[] { "AzureWebJobsStorage", "Storage" })
        {
            Assert.Equal("{parameters:storageBlobEndpoint}", settings[$"{storage}__blobServiceUri"]);
            Assert.Equal("{parameters:storageQueueEndpoint}", settings[$"{storage}__queueServiceUri"]);
            Assert.Equal("{parameters:storageTableEndpoint}", settings[$"{storage}__tableServiceUri"]);
            Assert.Equal("managedidentity", settings[$"{storage}__credential"]);
            Assert.Equal("{parameters:identityClientId}", settings[$"{storage}__clientId"]);
        }
    }

    public static TheoryData<string, string, string[]> RoleGrants() => new()
    {
        { "storage", "Microsoft.Storage/storageAccounts", ["ba92f5b4-2d11-453d-a403-e96b0029c9fe", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] },
        { "servicebus", "Microsoft.ServiceBus/namespaces", ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"] },
        { "monitoring", "Microsoft.Insights/components", ["3913510d-42f4-4e42-8a64-420c390055eb"] },
    };

    [Theory]
    [MemberData(nameof(RoleGrants))]
    public void Role_assignments_grant_the_intended_roles_on_the_right_scope_to_the_identity(string module, string scopeType, string[] roleIds)
    {
        var template = Bicep.Module(module);
        var eval = new ArmExpression(template);
        var assignments = Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Authorization/roleAssignments").ToList();
        var granted = new List<string>();
        foreach (var assignment in assignments)
        {
            Assert.Equal("2022-04-01", assignment["apiVersion"]!.ToString());
            Assert.Contains(scopeType, assignment["scope"]!.ToString(), StringComparison.Ordinal);
            var name = assignment["name"]!.ToString();
            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.Contains("parameters('principalId')", name, StringComparison.Ordinal);
            Assert.Contains(scopeType, name, StringComparison.Ordinal);
            var properties = assignment["properties"]!;
            Assert.Equal("ServicePrincipal", properties["principalType"]!.ToString());
            Assert.Equal("[parameters('principalId')]", properties["principalId"]!.ToString());
            var roleExpression = properties["roleDefinitionId"]!.ToString();
            if (assignment["copy"] is { } copy)
            {
                // A role per element of a variable: every element is one of the intended roles.
                var over = copy["count"]!.ToString();
                Assert.Contains("variables('dataRoles')", over, StringComparison.Ordinal);
                granted.AddRange(eval.Variable("dataRoles")!.AsArray().Select(r => r!.ToString()));
            }
            else
            {
                granted.Add(eval.Value(JsonValue.Create(roleExpression))!.ToString().Split(',').Last().TrimEnd('}'));
            }
        }
        Assert.Equal(roleIds.Order(), granted.Order());
    }

    [Fact]
    public void Outputs_name_the_app_its_url_the_storage_account_and_the_namespace()
    {
        var outputs = Bicep.MainTemplate["outputs"]!.AsObject().Select(o => o.Key).ToList();
        Assert.Superset(new HashSet<string> { "appName", "appUrl", "storageAccountName", "serviceBusNamespace" }, outputs.ToHashSet());
    }

    /// <summary>The app settings the function app will get, names resolved, Azure-only values as placeholders.</summary>
    private static Dictionary<string, string> AppSettings()
    {
        var eval = new ArmExpression(Bicep.Module("functionapp"));
        return eval.Variable("appSettings")!.AsArray().ToDictionary(s => s!["name"]!.ToString(), s => s!["value"]?.ToString() ?? "");
    }

    private static List<JsonNode> FunctionBindings() =>
        Directory.GetFiles(RepoPaths.Of("functions"), "function.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray()).Select(b => b!).ToList();
}
