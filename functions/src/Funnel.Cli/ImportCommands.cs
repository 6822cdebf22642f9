using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Funnel.Events.Days;

namespace Funnel.Cli;

/// <summary>
/// <c>funnel import</c>: asks the deployed app (<c>POST /ops/imports</c>) to run every day from <c>--from</c> again as of now,
/// so history sent with past timestamps counts on the days it happened, and follows the run to its last day.
/// </summary>
internal static class ImportCommands
{
    public static Command Build()
    {
        var from = new Option<string>("--from") { Description = "First day the history covers (yyyy-MM-dd)", Required = true };
        var (app, key) = OpsApi.AppOptions();
        var wait = new Option<bool>("--wait") { Description = "Follow the run until its last day has ended", DefaultValueFactory = _ => true };
        var command = new Command("import", "Run the days from --from to the last closed day again as of now, after sending their history through /v1/batch")
        {
            from, app, key, wait,
        };
        command.SetAction(async (parse, ct) =>
        {
            var first = parse.GetValue(from)!;
            if (!ReportingDay.TryParse(first, out _))
            {
                await Console.Error.WriteLineAsync($"error: --from: {ReportingDay.NotADay(first)}");
                return 2;
            }
            if (await OpsApi.KeyAsync(parse.GetValue(key)) is not { } opsKey)
            {
                return 2;
            }
            var baseAddress = parse.GetValue(app)!;
            try
            {
                return await ImportAsync(baseAddress, opsKey, first, parse.GetValue(wait), ct);
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"error: --app: cannot reach {baseAddress}: {ex.Message}");
                return 1;
            }
            catch (JsonException)
            {
                await Console.Error.WriteLineAsync($"error: --app: {baseAddress} did not answer as the ops API does (no JSON): is it the app's base address?");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Starts the import and, with <paramref name="wait"/>, follows it day by day until the last is published as of it.</summary>
    private static async Task<int> ImportAsync(Uri baseAddress, string opsKey, string first, bool wait, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Add("x-functions-key", opsKey);
        using var started = await client.PostAsync(new Uri($"ops/imports?from={first}", UriKind.Relative), null, ct);
        var answer = await started.Content.ReadFromJsonAsync<JsonElement>(ct);
        if (started.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            await Console.Error.WriteLineAsync($"error: {(int)started.StatusCode}: {answer}");
            return 1;
        }
        var to = answer.GetProperty("to").GetString()!;
        Console.WriteLine($"import {answer.GetProperty("instanceId").GetString()}: days {first} to {to} run again as of {answer.GetProperty("asOf").GetString()}");
        if (!wait)
        {
            Console.WriteLine($"status: {answer.GetProperty("statusUrl").GetString()}");
            return 0;
        }
        var day = ReportingDay.Parse(first);
        var last = ReportingDay.Parse(to);
        while (day <= last)
        {
            using var response = await client.GetAsync(new Uri($"ops/aggregations/{ReportingDay.Format(day)}", UriKind.Relative), ct);
            var run = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(ct) : default;
            var status = run.ValueKind == JsonValueKind.Object ? run.GetProperty("status").GetString() : null;
            if (status is "Failed" or "Interrupted")
            {
                await Console.Error.WriteLineAsync($"error: {ReportingDay.Format(day)} {status}: {run.GetProperty("reason")}");
                return 1;
            }
            if (status == "Completed" && run.GetProperty("startedAt").GetDateTimeOffset() >= answer.GetProperty("asOf").GetDateTimeOffset())
            {
                Console.WriteLine($"{ReportingDay.Format(day)} done");
                day = day.AddDays(1);
                continue;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        Console.WriteLine($"every day from {first} to {to} is published as of the import");
        return 0;
    }
}
