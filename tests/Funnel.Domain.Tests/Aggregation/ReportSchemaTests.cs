using System.Text.Json;
using NJsonSchema;

namespace Funnel.Domain.Tests.Aggregation;

/// <summary>Every report the engine writes validates against docs/report.schema.json.</summary>
public class ReportSchemaTests
{
    private static string SchemaPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "report.schema.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/report.schema.json not found above the test folder");
    }

    [Fact]
    public async Task Every_daily_report_of_a_generated_run_validates_against_the_published_schema()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath());
        var data = EngineHarness.DataSet(9, days: 45, signupsPerDay: 15);
        foreach (var report in EngineHarness.Run(data, "Asia/Shanghai", 4))
        {
            var errors = schema.Validate(JsonSerializer.Serialize(report));
            Assert.True(errors.Count == 0, $"{report.Day}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"))}");
        }
    }

    [Fact]
    public async Task The_schema_rejects_a_report_with_a_renamed_field()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath());
        var report = EngineHarness.Run(EngineHarness.DataSet(9, days: 3, signupsPerDay: 5), "UTC", 1)[^1];
        var json = JsonSerializer.Serialize(report).Replace("\"dau\":", "\"dailyActive\":", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(json));
    }

    [Fact]
    public async Task The_schema_holds_the_version_and_the_new_blocks_shape()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath());
        var report = EngineHarness.Run(EngineHarness.DataSet(9, days: 3, signupsPerDay: 5), "UTC", 1)[^1];
        var json = JsonSerializer.Serialize(report);
        Assert.Empty(schema.Validate(json));
        Assert.NotEmpty(schema.Validate(json.Replace("\"schemaVersion\":2", "\"schemaVersion\":1", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(json.Replace("\"churnWarning\":", "\"warning\":", StringComparison.Ordinal)));
        var withRefusals = JsonSerializer.Serialize(report with { DataQuality = report.DataQuality with { RejectedAtIngest = [new("request.malformed", 3)] } });
        Assert.Empty(schema.Validate(withRefusals));
        Assert.NotEmpty(schema.Validate(withRefusals.Replace("\"count\":3", "\"count\":0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_report_with_targets_and_comparisons_validates_and_their_shape_is_held()
    {
        var schema = await JsonSchema.FromFileAsync(SchemaPath());
        var judged = Reports.TargetsAndComparisonsTests.Judged();
        var day = DateOnly.ParseExact(judged.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stored = new Dictionary<string, IReadOnlyDictionary<DateOnly, double>> { ["activity.dau"] = new Dictionary<DateOnly, double> { [day.AddDays(-1)] = 10 } };
        var report = Funnel.Reports.ReportComparisons.Attach(judged, stored, [new("money.payingConversion", 0.5, "higher", 0.1), new("nowhere", 1, "lower")]);
        var json = JsonSerializer.Serialize(report);
        Assert.Contains("\"targets\":", json, StringComparison.Ordinal);
        Assert.Contains("\"comparisons\":", json, StringComparison.Ordinal);
        Assert.Empty(schema.Validate(json));
        Assert.NotEmpty(schema.Validate(json.Replace("\"status\":\"red\"", "\"status\":\"purple\"", StringComparison.Ordinal)));
        Assert.NotEmpty(schema.Validate(json.Replace("\"d28\":", "\"d30\":", StringComparison.Ordinal)));
    }
}
