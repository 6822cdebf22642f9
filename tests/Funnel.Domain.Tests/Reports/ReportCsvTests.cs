using System.Text;
using System.Text.Json;
using Funnel.Reports.Rendering;

namespace Funnel.Domain.Tests.Reports;

/// <summary>report.csv: every figure of report.json, row by row, readable by spreadsheet tools and harmless in them.</summary>
public class ReportCsvTests
{
    /// <summary>Python's csv module reads the file (utf-8-sig) and checks each row's value against the JSON at the row's path.</summary>
    private const string Checker = """
        import csv, json, sys
        report = json.load(open(sys.argv[1], encoding="utf-8"))
        def at(path):
            node = report
            for part in path.replace("]", "").replace("[", ".").split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]
            return node
        rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
        leaves = []
        def walk(node, path):
            if isinstance(node, dict): [walk(v, f"{path}.{k}" if path else k) for k, v in node.items()]
            elif isinstance(node, list): [walk(v, f"{path}[{i}]") for i, v in enumerate(node)]
            else: leaves.append(path)
        walk(report, "")
        bad = []
        for row in rows:
            expected = at(row["path"])
            value = row["value"]
            if expected is None: ok = value == ""
            elif isinstance(expected, bool): ok = value == ("true" if expected else "false")
            elif isinstance(expected, (int, float)): ok = float(value) == float(expected)
            else: ok = value == expected or value == "'" + expected
            if not ok: bad.append((row["path"], value, expected))
        covered = set(r["path"] for r in rows)
        # A cohort's day and a breakdown's value (and experiment) are not figures: they fill the cohort and breakdown columns; an experiment test's step fills the step column.
        uncovered = [p for p in leaves if p not in covered and not p.endswith((".day", ".value", ".experiment")) and not (".tests[" in p and p.endswith(".step"))]
        print(json.dumps({"rows": len(rows), "uncovered": uncovered[:5], "bad": bad[:5], "columns": list(rows[0].keys())}))
        """;

    [Fact]
    public async Task Python_reads_the_same_numbers_as_report_json_row_by_row()
    {
        var (report, _) = RenderedReports.SixtyDays;
        var folder = Directory.CreateTempSubdirectory("funnel-csv-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "report.json"), Funnel.Reports.ReportJson.Serialize(report));
            var csv = ReportCsv.Render(report);
            await File.WriteAllBytesAsync(Path.Combine(folder, "report.csv"), csv);
            await File.WriteAllTextAsync(Path.Combine(folder, "check.py"), Checker);
            Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);

            var start = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { "check.py", "report.json", "report.csv" })
            {
                start.ArgumentList.Add(Path.Combine(folder, arg));
            }
            using var python = System.Diagnostics.Process.Start(start)!;
            var output = await python.StandardOutput.ReadToEndAsync();
            var errors = await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, errors);
            var result = JsonDocument.Parse(output).RootElement;
            Assert.Equal("[]", result.GetProperty("bad").GetRawText());
            Assert.Equal("[]", result.GetProperty("uncovered").GetRawText());
            Assert.Equal(ReportCsv.Columns, result.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!));
            Assert.True(result.GetProperty("rows").GetInt32() > 1000);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Rows_name_their_section_cohort_step_and_breakdown()
    {
        var text = Encoding.UTF8.GetString(ReportCsv.Render(RenderedReports.SixtyDays.Report));
        var lifecycleCohort = RenderedReports.SixtyDays.Report.Funnels[0].Cohorts[^1];
        Assert.Contains($"funnel:lifecycle,cohorts.steps.count,{lifecycleCohort.Day},Signed Up,,{lifecycleCohort.Steps[0].Count},funnels[0].cohorts[", text, StringComparison.Ordinal);
        Assert.Contains("funnel:purchase path,breakdowns.channel.steps.count,,Product Viewed,channel=wechat,", text, StringComparison.Ordinal);
        Assert.Contains("activity,dau,,,,", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("plain", "plain")]
    public void Text_cells_are_quoted_and_cannot_run_as_formulas(string text, string expected) =>
        Assert.Equal(expected, ReportCsv.Cell(text));

    [Fact]
    public void Negative_numbers_stay_numbers_in_the_value_column() =>
        Assert.Equal("-0.023", ReportCsv.Cell("-0.023", numeric: true));

    [Fact]
    public void Hostile_names_from_event_data_are_quoted_and_neutralised()
    {
        var text = Encoding.UTF8.GetString(ReportCsv.Render(RenderedReports.WithHostileNames.Report));
        var rows = Parse(text[1..]);
        Assert.True(rows.Count > 100);
        Assert.All(rows, row => Assert.Equal(ReportCsv.Columns.Length, row.Count));
        foreach (var row in rows.Skip(1))
        {
            for (var i = 0; i < row.Count; i++)
            {
                var numeric = i == 5 && double.TryParse(row[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
                Assert.False(!numeric && row[i].Length > 0 && row[i][0] is '=' or '+' or '-' or '@', $"cell '{row[i][..Math.Min(40, row[i].Length)]}' would run as a formula");
            }
        }
        Assert.Contains(rows, row => row[4].Contains("=HYPERLINK(\"http://evil.example/\"", StringComparison.Ordinal));
        Assert.Contains(rows, row => row[0] == "experiment:" + RenderedReports.Hostile[0] + RenderedReports.Hostile[1]);
    }

    /// <summary>A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF rows.</summary>
    private static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                field.Append(c);
            }
        }
        return rows;
    }
}
