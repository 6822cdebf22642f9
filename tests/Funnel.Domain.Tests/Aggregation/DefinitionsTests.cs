using System.Text.Json;
using Funnel.Engine.Aggregation;
using Funnel.Metrics;

namespace Funnel.Domain.Tests.Aggregation;

public class DefinitionsTests
{
    [Fact]
    public void The_default_definitions_round_trip_through_their_json_with_the_same_hash()
    {
        var json = JsonSerializer.Serialize(MetricDefinitions.Default);
        var loaded = MetricDefinitions.Load(json, "defaults.json");
        Assert.Equal(MetricDefinitions.Default.Hash, loaded.Hash);
        Assert.Equal("first purchase", loaded.Funnels[0].Steps[2].Name);
    }

    [Fact]
    public void Changing_a_window_changes_the_hash()
    {
        var json = JsonSerializer.Serialize(MetricDefinitions.Default).Replace("\"windowDays\":7", "\"windowDays\":14", StringComparison.Ordinal);
        Assert.NotEqual(MetricDefinitions.Default.Hash, MetricDefinitions.Load(json, "f.json").Hash);
    }

    [Fact]
    public void Every_problem_of_a_document_is_named_by_its_path_and_reason_at_once()
    {
        const string json = """
            {"funnels":[{"name":"f","steps":[{"event":"A","windowDays":3},{"event":" ","windowDays":0},{"event":"C","windowDays":2,"property":"plan"}]},
                        {"name":"","steps":[{"event":"A","windowDays":null}]}],
             "signupEvent":"S","experimentEvent":"E","trackingPlan":["A",""]}
            """;
        var (definitions, problems) = MetricDefinitions.Parse(json);
        Assert.Null(definitions);
        Assert.Equal(
            ["trackingPlan[1]", "funnels[0].steps[0].windowDays", "funnels[0].steps[1].event", "funnels[0].steps[1].windowDays", "funnels[0].steps[2].equals", "funnels[1].name", "funnels[1].steps"],
            problems.Select(p => p.Path));
        Assert.All(problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Reason)));
        // A document JSON cannot read names where it stopped; missing required fields are each named.
        Assert.Equal("funnels[0].steps", Assert.Single(MetricDefinitions.Parse("""{"funnels":[{"name":"f","steps":3}],"signupEvent":"S","experimentEvent":"E"}""").Problems).Path);
        Assert.Equal(["funnels", "experimentEvent"], MetricDefinitions.Parse("""{"signupEvent":"S"}""").Problems.Select(p => p.Path));
    }

    [Theory]
    [InlineData("""{"funnels":[],"signupEvent":"Signed Up","experimentEvent":"E"}""", "at least one funnel")]
    [InlineData("""{"funnels":[{"name":"f","steps":[{"event":"A","windowDays":null},{"event":"B","windowDays":41}]}],"signupEvent":"S","experimentEvent":"E"}""", "windowDays must be 1 to 40")]
    [InlineData("""{"funnels":[{"name":"f","steps":[{"event":"A","windowDays":2},{"event":"B","windowDays":1}]}],"signupEvent":"S","experimentEvent":"E"}""", "first step has no window")]
    [InlineData("""{"funnels":[{"name":"f","steps":[{"event":"A","windowDays":null}]}],"signupEvent":"S","experimentEvent":"E"}""", "at least two steps")]
    [InlineData("""{"funnels":[{"name":"f","steps":[{"event":"A","windowDays":null},{"event":"B","windowDays":1,"property":"plan"}]}],"signupEvent":"S","experimentEvent":"E"}""", "both property and equals")]
    [InlineData("""{"funnels":[{"name":"f","steps":[{"event":"A","windowDays":null},{"event":"B","windowDays":1}]}],"signupEvent":"S","experimentEvent":"E","typo":1}""", "typo")]
    [InlineData("""{"funnels":""", "f.json")]
    public void Bad_definitions_are_refused_naming_the_file_and_the_problem(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => MetricDefinitions.Load(json, "f.json"));
        Assert.Contains("f.json", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_filter_only_matches_events_whose_property_has_the_value()
    {
        var definitions = MetricDefinitions.Load("""
            {"funnels":[{"name":"pro","steps":[{"event":"Signed Up","windowDays":null},{"event":"Plan Chosen","windowDays":2,"property":"plan","equals":"pro"}]}],
             "signupEvent":"Signed Up","experimentEvent":"Experiment Viewed"}
            """, "pro.json");
        var slots = new StepSlots(definitions);
        Funnel.Events.ProductEvent Event(string plan) => new("m", "u", Funnel.Events.EventType.Track, "Plan Chosen", 0, 0, null, null, null, null, null,
            new Dictionary<string, string> { ["plan"] = plan });
        Assert.True(slots.Matches(1, Event("pro")));
        Assert.False(slots.Matches(1, Event("free")));
    }
}
