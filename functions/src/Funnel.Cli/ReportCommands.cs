using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Funnel.Events.Days;
using Funnel.Storage;
using Spectre.Console;

namespace Funnel.Cli;

/// <summary><c>funnel report</c>: fetches a day's report from the <c>reports</c> container, keeps a local copy and shows the lifecycle funnel.</summary>
internal static class ReportCommands
{
    public static Command Build()
    {
        var day = new Option<string?>("--day") { Description = "Report day (yyyy-MM-dd); default: the latest report" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder to copy the report into as {day}/report.json" };
        var cohorts = new Option<int>("--cohorts") { Description = "Newest cohorts to show", DefaultValueFactory = _ => 7 };
        var command = new Command("report", "Fetch a day's report, keep a local copy, and print its lifecycle funnel") { day, output, cohorts };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(day) is { } d ? $"{d}/report.json" : "latest/report.json";
            if (parse.GetValue(day) is { } text && !ReportingDay.TryParse(text, out _))
            {
                await Console.Error.WriteLineAsync($"error: --day: '{text}' is not a date in the form yyyy-MM-dd");
                return 2;
            }
            var blob = CliStorage.Open(parse).Blobs.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlobClient(name);
            BinaryData content;
            try
            {
                content = (await blob.DownloadContentAsync(ct)).Value.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await Console.Error.WriteLineAsync($"error: no report at {StorageNames.ReportsContainer}/{name}: run the day first (POST /ops/aggregations/{{day}})");
                return 1;
            }
            var report = JsonNode.Parse(content.ToString())!;
            var reportDay = report["day"]!.GetValue<string>();
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"report {reportDay} ({report["timeZone"]}): {blob.Uri}");
            var manifest = report["manifest"]!;
            var provisional = manifest["provisional"]?.GetValue<bool>() == true;
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"data through {manifest["dataThrough"]}{(provisional ? " (provisional: the day has not closed)" : "")}, {report["events"]!["folded"]} events folded");
            if (parse.GetValue(output) is { } folder)
            {
                var path = Path.Combine(folder.FullName, reportDay, "report.json");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, content.ToString(), ct);
                AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"local copy: {path}");
            }
            AnsiConsole.Write(FunnelTable(report["funnels"]![0]!, parse.GetValue(cohorts)));
            return 0;
        });
        return command;
    }

    /// <summary>Cohort rows, one column per step: persons and the rate from the first step; immature cells marked with *.</summary>
    private static Table FunnelTable(JsonNode funnel, int newest)
    {
        var steps = funnel["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        var table = new Table().Title($"{funnel["name"]} funnel, newest {newest} cohorts (* not mature yet)").AddColumn("cohort");
        foreach (var step in steps)
        {
            table.AddColumn(new TableColumn(Markup.Escape(step)).RightAligned());
        }
        foreach (var cohort in funnel["cohorts"]!.AsArray().TakeLast(newest))
        {
            var cells = new List<string> { cohort!["day"]!.GetValue<string>() };
            foreach (var step in cohort["steps"]!.AsArray())
            {
                var mark = step!["mature"]!.GetValue<bool>() ? "" : "*";
                cells.Add(string.Create(CultureInfo.InvariantCulture, $"{step["count"]} ({step["rate"]!.GetValue<double>():P1}){mark}"));
            }
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        return table;
    }
}
