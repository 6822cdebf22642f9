using System.Text.Json.Nodes;

namespace Funnel.Integration.Tests.Privacy;

/// <summary>An erasure racing a daily run: whichever comes first, the person ends up gone and nothing else is lost.</summary>
public class ErasureRaceTests
{
    [Fact]
    public async Task An_erasure_accepted_just_before_a_run_completes_with_that_run()
    {
        await using var scenario = await ErasureScenario.StartAsync(days: 5);
        var days = scenario.Data.Days;
        await scenario.RunDaysAsync(days[0], days[2]);

        var id = (await scenario.RequestErasureAsync(new { userId = scenario.Person })).GetProperty("id").GetString()!;
        await scenario.RunDaysAsync(days[3], days[3]);

        Assert.Equal("Completed", (await scenario.ErasureAsync(id)).GetProperty("status").GetString());
        await scenario.AssertPersonGoneAndOthersKeptAsync();
        Assert.True(JsonNode.DeepEquals(scenario.OracleWithoutPerson(days[3]), await scenario.PublishedReportAsync(days[3])), "the run's report still counts the person");
    }

    [Fact]
    public async Task An_erasure_accepted_while_a_run_folds_is_complete_after_the_next_run_and_its_report_leaves_the_person_out()
    {
        await using var scenario = await ErasureScenario.StartAsync(days: 5);
        var days = scenario.Data.Days;
        await scenario.RunDaysAsync(days[0], days[2]);

        // The run starts first; the request arrives while its shards are being planned or folded.
        using (var started = await scenario.Client.PostAsync($"/ops/aggregations/{days[3]:yyyy-MM-dd}", null))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
        }
        var id = (await scenario.RequestErasureAsync(new { anonymousId = ErasureScenario.Device })).GetProperty("id").GetString()!;
        await scenario.WaitForDayAsync(days[3]);
        await scenario.RunDaysAsync(days[4], days[4]);

        var status = await scenario.ErasureAsync(id);
        Assert.Equal("Completed", status.GetProperty("status").GetString());
        Assert.Equal("anonymousId", status.GetProperty("idKind").GetString());
        await scenario.AssertPersonGoneAndOthersKeptAsync();
        Assert.True(JsonNode.DeepEquals(scenario.OracleWithoutPerson(days[4]), await scenario.PublishedReportAsync(days[4])), "the next report still counts the person");
    }
}
