using System.Text.Json;
using Funnel.Domain.Aggregation;
using Funnel.Domain.Metrics;

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
        Funnel.Domain.Events.ProductEvent Event(string plan) => new("m", "u", Funnel.Domain.Events.EventType.Track, "Plan Chosen", 0, 0, null, null, null, null, null,
            new Dictionary<string, string> { ["plan"] = plan });
        Assert.True(slots.Matches(1, Event("pro")));
        Assert.False(slots.Matches(1, Event("free")));
    }
}
