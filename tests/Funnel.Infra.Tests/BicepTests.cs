using System.Reflection;
using System.Text.Json.Nodes;
using Funnel.Functions;
using Funnel.Storage;

namespace Funnel.Infra.Tests;

/// <summary>infra/main.bicep compiles cleanly and declares what the pipeline needs, with the security settings we promise.</summary>
public class BicepTests
{
    private static readonly JsonObject Settings = JsonNode.Parse(File.ReadAllText(RepoPaths.Of("functions", "settings.json")))!.AsObject();

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
        Assert.InRange(blobService["deleteRetentionPolicy"]!["days"]!.GetValue<int>(), 7, 30);
        Assert.True(blobService["containerDeleteRetentionPolicy"]!["enabled"]!.GetValue<bool>());
        // Soft delete is a property of the blob service: it covers raw and reports (and every other container); none opts out.
        var containers = Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Storage/storageAccounts/blobServices/containers" && r["existing"]?.GetValue<bool>() != true);
        Assert.All(containers, c => Assert.Equal("None", c["properties"]!["publicAccess"]!.ToString()));
        Assert.True(account["defaultToOAuthAuthentication"]!.GetValue<bool>());
    }

    [Fact]
    public void The_key_vault_uses_RBAC_keeps_deleted_secrets_and_writes_the_hash_key_only_when_one_is_passed()
    {
        var template = Bicep.Module("keyvault");
        var vault = Bicep.Resource(template, "Microsoft.KeyVault/vaults")["properties"]!;
        Assert.True(vault["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.Null(vault["accessPolicies"]);
        Assert.True(vault["enableSoftDelete"]!.GetValue<bool>());
        Assert.True(vault["enablePurgeProtection"]!.GetValue<bool>());
        Assert.Equal("[subscription().tenantId]", vault["tenantId"]!.ToString());

        var secret = Bicep.Resource(template, "Microsoft.KeyVault/vaults/secrets");
        Assert.Equal("[not(empty(parameters('hashSecret')))]", secret["condition"]!.ToString());
        Assert.Equal("[parameters('hashSecret')]", secret["properties"]!["value"]!.ToString());
        Assert.Equal("securestring", template["parameters"]!["hashSecret"]!["type"]!.ToString());

        var parameter = Bicep.MainTemplate["parameters"]!["privacyHashSecret"]!;
        Assert.Equal("securestring", parameter["type"]!.ToString());
        Assert.Equal("", parameter["defaultValue"]!.ToString());
        Assert.Equal("[parameters('privacyHashSecret')]", ModuleParameter("keyvault", "hashSecret"));
        Assert.Equal("[parameters('principalId')]", Bicep.Resources(template).Single(r => r["type"]!.ToString() == "Microsoft.Authorization/roleAssignments")["properties"]!["principalId"]!.ToString());
        Assert.Contains("identity", ModuleParameter("keyvault", "principalId"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_hash_secret_setting_is_a_Key_Vault_reference_resolved_as_the_apps_identity()
    {
        var settings = AppSettings();
        Assert.Equal("@Microsoft.KeyVault(VaultName={parameters:keyVaultName};SecretName={parameters:hashKeyName})", settings["Privacy__HashSecret"]);
        Assert.Equal("Privacy__HashSecret", Settings["app"]!["privacyHashSecret"]!.ToString());
        Assert.Contains("outputs.name", ModuleParameter("functionapp", "keyVaultName"), StringComparison.Ordinal);
        Assert.Contains("keyvault", ModuleParameter("functionapp", "keyVaultName"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ModuleParameter("keyvault", "hashSecretName"), ModuleParameter("functionapp", "hashKeyName"));
        var site = Bicep.Resource(Bicep.Module("functionapp"), "Microsoft.Web/sites");
        Assert.Equal("[parameters('identityId')]", site["properties"]!["keyVaultReferenceIdentity"]!.ToString());
    }

    [Fact]
    public void Every_container_the_code_uses_and_the_deployment_container_are_declared()
    {
        var containers = ResourceNames(Bicep.Module("storage"), "Microsoft.Storage/storageAccounts/blobServices/containers");
        Assert.Equal(StorageNames.Containers.Append("{parameters:deploymentContainerName}").Order(), containers.Order());
        Assert.Equal("deployments", new ArmExpression(Bicep.MainTemplate).Variable("deploymentContainer")!.ToString());
        Assert.Equal("[variables('deploymentContainer')]", ModuleParameter("storage", "deploymentContainerName"));
        Assert.Equal("[variables('deploymentContainer')]", ModuleParameter("functionapp", "deploymentContainerName"));
    }

    [Fact]
    public void Every_table_the_code_uses_is_declared()
    {
        var tables = ResourceNames(Bicep.Module("storage"), "Microsoft.Storage/storageAccounts/tableServices/tables");
        Assert.Equal(StorageNames.Tables.Order(), tables.Order());
    }

    [Fact]
    public void Every_queue_the_code_uses_is_declared_with_its_poison_queue()
    {
        var queues = ResourceNames(Bicep.Module("storage"), "Microsoft.Storage/storageAccounts/queueServices/queues");
        var expected = StorageNames.Queues.SelectMany(q => new[] { q, StorageNames.PoisonQueueOf(q) });
        Assert.Equal(expected.Order(), queues.Order());
        Assert.Equal(StorageNames.Queues, Settings["queues"]!.AsArray().Select(q => q!.ToString()));
    }

    [Fact]
    public void Every_queue_trigger_reads_a_declared_queue_through_the_host_storage_connection()
    {
        var declared = ResourceNames(Bicep.Module("storage"), "Microsoft.Storage/storageAccounts/queueServices/queues");
        var settings = AppSettings();
        var triggers = typeof(FunctionNames).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetParameters())
            .SelectMany(p => p.GetCustomAttributes(inherit: false))
            .Where(a => a.GetType().Name == "QueueTriggerAttribute")
            .ToList();
        Assert.NotEmpty(triggers);
        foreach (var trigger in triggers)
        {
            var queue = (string?)trigger.GetType().GetProperty("QueueName")!.GetValue(trigger);
            var connection = (string?)trigger.GetType().GetProperty("Connection")!.GetValue(trigger);
            Assert.NotNull(queue);
            Assert.Contains(queue, declared);
            Assert.Equal(FunctionNames.StorageConnection, connection);
            Assert.Equal("{parameters:storageQueueEndpoint}", settings[$"{connection}__queueServiceUri"]);
        }
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
    public void Service_Bus_is_standard_with_SAS_off_and_has_no_queues()
    {
        var template = Bicep.Module("servicebus");
        var ns = Bicep.Resource(template, "Microsoft.ServiceBus/namespaces");
        Assert.Equal("Standard", ns["sku"]!["name"]!.ToString());
        Assert.True(ns["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.Equal("1.2", ns["properties"]!["minimumTlsVersion"]!.ToString());
        Assert.DoesNotContain(Bicep.Resources(template), r => r["type"]!.ToString() == "Microsoft.ServiceBus/namespaces/queues");
    }

    [Fact]
    public void The_reports_topic_has_one_dead_lettering_subscription_per_configured_name()
    {
        var template = Bicep.Module("servicebus");
        var topic = Bicep.Resource(template, "Microsoft.ServiceBus/namespaces/topics");
        Assert.Equal("[format('{0}/{1}', parameters('name'), parameters('topicName'))]", topic["name"]!.ToString());
        Assert.Equal(Settings["reportsTopic"]!.ToString(), new ArmExpression(Bicep.MainTemplate).Value(JsonValue.Create(ModuleParameter("servicebus", "topicName")))!.ToString());
        Assert.Equal(Funnel.Storage.Notifications.ServiceBusOptions.DefaultTopicName, Settings["reportsTopic"]!.ToString());

        var subscription = Bicep.Resource(template, "Microsoft.ServiceBus/namespaces/topics/subscriptions");
        Assert.Equal("[length(parameters('subscriptions'))]", subscription["copy"]!["count"]!.ToString());
        Assert.EndsWith("parameters('subscriptions')[copyIndex()])]", subscription["name"]!.ToString(), StringComparison.Ordinal);
        var properties = subscription["properties"]!;
        Assert.True(properties["deadLetteringOnMessageExpiration"]!.GetValue<bool>());
        Assert.True(properties["deadLetteringOnFilterEvaluationExceptions"]!.GetValue<bool>());
        Assert.NotNull(properties["maxDeliveryCount"]);
        Assert.NotNull(properties["defaultMessageTimeToLive"]);

        Assert.Equal("[parameters('reportSubscriptions')]", ModuleParameter("servicebus", "subscriptions"));
        var parameter = Bicep.MainTemplate["parameters"]!["reportSubscriptions"]!;
        Assert.Equal("array", parameter["type"]!.ToString());
        Assert.Equal(new[] { "reports-default" }, parameter["defaultValue"]!.AsArray().Select(s => s!.ToString()));
    }

    [Fact]
    public void The_plan_is_Flex_Consumption_on_Linux()
    {
        var plan = Bicep.Resource(Bicep.Module("functionapp"), "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan["sku"]!["name"]!.ToString());
        Assert.Equal("FlexConsumption", plan["sku"]!["tier"]!.ToString());
        Assert.True(plan["properties"]!["reserved"]!.GetValue<bool>());
        Assert.Null(Bicep.MainTemplate["parameters"]!["planSku"]);
    }

    [Fact]
    public void The_function_app_runs_the_isolated_worker_on_Linux_as_its_identity_over_https_only()
    {
        var template = Bicep.Module("functionapp");
        var site = Bicep.Resource(template, "Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", site["kind"]!.ToString());
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.ToString());
        var properties = site["properties"]!;
        Assert.True(properties["httpsOnly"]!.GetValue<bool>());
        Assert.Equal("Disabled", properties["siteConfig"]!["ftpsState"]!.ToString());
        Assert.Equal("1.2", properties["siteConfig"]!["minTlsVersion"]!.ToString());
        Assert.Null(properties["siteConfig"]!["linuxFxVersion"]);
        Assert.All(Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            policy => Assert.False(policy["properties"]!["allow"]!.GetValue<bool>()));

        var runtime = properties["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", runtime["name"]!.ToString());
        Assert.Equal("10.0", runtime["version"]!.ToString());
    }

    [Fact]
    public void The_package_is_read_from_the_deployment_container_as_the_apps_identity()
    {
        var storage = Bicep.Resource(Bicep.Module("functionapp"), "Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", storage["type"]!.ToString());
        Assert.Equal("[format('{0}{1}', parameters('storageBlobEndpoint'), parameters('deploymentContainerName'))]", storage["value"]!.ToString());
        Assert.Equal("UserAssignedIdentity", storage["authentication"]!["type"]!.ToString());
        Assert.Equal("[parameters('identityId')]", storage["authentication"]!["userAssignedIdentityResourceId"]!.ToString());
    }

    [Fact]
    public void Instance_memory_and_maximum_instances_come_from_parameters()
    {
        var scale = Bicep.Resource(Bicep.Module("functionapp"), "Microsoft.Web/sites")["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!;
        Assert.Equal("[parameters('instanceMemoryMB')]", scale["instanceMemoryMB"]!.ToString());
        Assert.Equal("[parameters('maximumInstanceCount')]", scale["maximumInstanceCount"]!.ToString());
        Assert.Equal("[parameters('instanceMemoryMB')]", ModuleParameter("functionapp", "instanceMemoryMB"));
        Assert.Equal("[parameters('maximumInstanceCount')]", ModuleParameter("functionapp", "maximumInstanceCount"));

        var parameters = Bicep.MainTemplate["parameters"]!;
        Assert.Equal(2048, parameters["instanceMemoryMB"]!["defaultValue"]!.GetValue<int>());
        Assert.Equal(new[] { 512, 2048, 4096 }, parameters["instanceMemoryMB"]!["allowedValues"]!.AsArray().Select(v => v!.GetValue<int>()));
        var maximum = parameters["maximumInstanceCount"]!;
        Assert.InRange(maximum["defaultValue"]!.GetValue<int>(), maximum["minValue"]!.GetValue<int>(), maximum["maxValue"]!.GetValue<int>());
        Assert.Equal(1000, maximum["maxValue"]!.GetValue<int>());
    }

    [Fact]
    public void No_setting_Flex_Consumption_refuses_is_set()
    {
        var settings = AppSettings();
        foreach (var refused in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "AzureWebJobsStorage" })
        {
            Assert.DoesNotContain(refused, settings.Keys);
        }
        Assert.DoesNotContain(settings.Keys, name => name.StartsWith("WEBSITE_RUN_FROM_PACKAGE", StringComparison.Ordinal));
        Assert.DoesNotContain(settings.Keys, name => name.StartsWith(Funnel.Standalone.Hosting.StandaloneOptions.Section + "__", StringComparison.Ordinal));
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
    public void The_host_storage_and_the_apps_storage_are_the_same_account_reached_as_the_identity()
    {
        var settings = AppSettings();
        foreach (var storage in new[] { FunctionNames.StorageConnection, Funnel.Storage.Configuration.StorageOptions.Section })
        {
            Assert.Equal("{parameters:storageBlobEndpoint}", settings[$"{storage}__blobServiceUri"]);
            Assert.Equal("{parameters:storageQueueEndpoint}", settings[$"{storage}__queueServiceUri"]);
            Assert.Equal("{parameters:storageTableEndpoint}", settings[$"{storage}__tableServiceUri"]);
            Assert.Equal("managedidentity", settings[$"{storage}__credential"]);
            Assert.Equal("{parameters:identityClientId}", settings[$"{storage}__clientId"]);
        }
        foreach (var suffix in new[] { "blobServiceUri", "queueServiceUri", "tableServiceUri", "credential", "clientId" })
        {
            Assert.Equal(settings[$"AzureWebJobsStorage__{suffix}"], settings[$"Storage__{suffix}"]);
        }
        Assert.DoesNotContain("Storage__ConnectionString", settings.Keys);
    }

    [Fact]
    public void Service_Bus_and_Application_Insights_settings_name_the_namespace_topic_and_identity()
    {
        var settings = AppSettings();
        Assert.Equal("{parameters:serviceBusNamespace}", settings["ServiceBus__FullyQualifiedNamespace"]);
        Assert.Equal("{parameters:identityClientId}", settings["ServiceBus__ClientId"]);
        Assert.Equal("{parameters:reportsTopicName}", settings["ServiceBus__TopicName"]);
        // main.bicep passes the Service Bus module's outputs: reference('serviceBus').outputs.… (symbolic name, languageVersion 2.0) or by deployment id.
        Assert.Contains("servicebus", ModuleParameter("functionapp", "serviceBusNamespace"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("outputs.fullyQualifiedNamespace", ModuleParameter("functionapp", "serviceBusNamespace"), StringComparison.Ordinal);
        Assert.Contains("servicebus", ModuleParameter("functionapp", "reportsTopicName"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("outputs.topicName", ModuleParameter("functionapp", "reportsTopicName"), StringComparison.Ordinal);

        Assert.Equal("{parameters:appInsightsConnectionString}", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal("ClientId={parameters:identityClientId};Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        var insights = Bicep.Resource(Bicep.Module("monitoring"), "Microsoft.Insights/components")["properties"]!;
        Assert.True(insights["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Pipeline_settings_come_from_parameters()
    {
        var settings = AppSettings();
        Assert.Equal("{parameters:shards}", settings["Pipeline__Shards"]);
        Assert.Equal("{parameters:reportingTimeZone}", settings["Reporting__TimeZone"]);
    }

    public static TheoryData<string, string, string[]> RoleGrants() => new()
    {
        // Blob Data Owner (the host and Durable Functions), Queue Data Contributor, Table Data Contributor.
        { "storage", "Microsoft.Storage/storageAccounts", ["b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"] },
        // Data Sender on the topic only: the app publishes, it never receives.
        { "servicebus", "Microsoft.ServiceBus/namespaces/topics", ["69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"] },
        { "monitoring", "Microsoft.Insights/components", ["3913510d-42f4-4e42-8a64-420c390055eb"] },
        // Key Vault Secrets User on the vault only: the app reads its hash key, it cannot change or list keys.
        { "keyvault", "Microsoft.KeyVault/vaults", ["4633458b-17de-408a-b874-0445c86b69e6"] },
    };

    [Fact]
    public void Report_readers_get_Storage_Blob_Data_Reader_on_the_reports_container_only_one_assignment_per_principal()
    {
        var template = Bicep.Module("storage");
        var readers = Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Authorization/roleAssignments"
            && r["name"]!.ToString().Contains("reportReaderPrincipalIds", StringComparison.Ordinal)).ToList();
        var reader = Assert.Single(readers);
        Assert.Equal("[length(parameters('reportReaderPrincipalIds'))]", reader["copy"]!["count"]!.ToString());
        Assert.Equal("[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', parameters('name'), 'default', 'reports')]", reader["scope"]!.ToString());
        Assert.Contains("parameters('reportReaderPrincipalIds')[copyIndex()]", reader["name"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[parameters('reportReaderPrincipalIds')[copyIndex()]]", reader["properties"]!["principalId"]!.ToString());
        Assert.Equal("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", new ArmExpression(template).Variable("roleIds")!["storageBlobDataReader"]!.ToString());
        Assert.Contains("storageBlobDataReader", reader["properties"]!["roleDefinitionId"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("[]", Bicep.MainTemplate["parameters"]!["reportReaderPrincipalIds"]!["defaultValue"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(RoleGrants))]
    public void Role_assignments_grant_the_intended_roles_on_the_right_scope_to_the_identity(string module, string scopeType, string[] roleIds)
    {
        var template = Bicep.Module(module);
        var eval = new ArmExpression(template);
        // The report readers' assignments grant people, not the app's identity; their own test checks them.
        var assignments = Bicep.Resources(template).Where(r => r["type"]!.ToString() == "Microsoft.Authorization/roleAssignments"
            && !r["name"]!.ToString().Contains("reportReaderPrincipalIds", StringComparison.Ordinal)).ToList();
        var granted = new List<string>();
        foreach (var assignment in assignments)
        {
            Assert.Equal("2022-04-01", assignment["apiVersion"]!.ToString());
            Assert.Contains($"resourceId('{scopeType}'", assignment["scope"]!.ToString(), StringComparison.Ordinal);
            var name = assignment["name"]!.ToString();
            Assert.StartsWith("[guid(", name, StringComparison.Ordinal);
            Assert.Contains("parameters('principalId')", name, StringComparison.Ordinal);
            Assert.Contains($"resourceId('{scopeType}'", name, StringComparison.Ordinal);
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
    public void Outputs_name_the_app_its_url_the_storage_account_the_namespace_and_the_deployment_container()
    {
        var outputs = Bicep.MainTemplate["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        Assert.Superset(new HashSet<string> { "appName", "appUrl", "storageAccountName", "serviceBusNamespace", "deploymentContainer" }, outputs);
    }

    /// <summary>The app settings the function app will get, names resolved, Azure-only values as placeholders.</summary>
    private static Dictionary<string, string> AppSettings()
    {
        var eval = new ArmExpression(Bicep.Module("functionapp"));
        return eval.Variable("appSettings")!.AsArray().ToDictionary(s => s!["name"]!.ToString(), s => s!["value"]?.ToString() ?? "");
    }

    /// <summary>The expression main.bicep passes to one parameter of a module.</summary>
    private static string ModuleParameter(string module, string parameter) =>
        Bicep.Resources(Bicep.MainTemplate).Single(r => r["type"]!.ToString() == "Microsoft.Resources/deployments" && r["name"]!.ToString() == module)
            ["properties"]!["parameters"]![parameter]!["value"]!.ToString();

    /// <summary>The last name segment of every resource of one type, copy loops expanded.</summary>
    private static List<string> ResourceNames(JsonObject template, string type)
    {
        var names = new List<string>();
        // A reference to an existing resource (e.g. the reports container, to scope a role to it) creates nothing.
        foreach (var resource in Bicep.Resources(template).Where(r => r["type"]!.ToString() == type && r["existing"]?.GetValue<bool>() != true))
        {
            if (resource["copy"] is { } copy)
            {
                var count = new ArmExpression(template).Value(copy["count"])!.GetValue<long>();
                for (long i = 0; i < count; i++)
                {
                    names.Add(new ArmExpression(template, i).Value(resource["name"])!.ToString());
                }
            }
            else
            {
                names.Add(new ArmExpression(template).Value(resource["name"])!.ToString());
            }
        }
        return names.Select(n => n.Split('/').Last()).ToList();
    }
}
