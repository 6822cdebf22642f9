using System.Text;
using System.Text.Json;
using Funnel.Events.Privacy;

namespace Funnel.Engine.Erasure;

/// <summary>
/// Rewrites a line-oriented file of the reports container (an audience list: NDJSON, CSV, plain ids;
/// gzip or not) without the lines that name an erased person. A JSON line names a person when any of
/// its string values is one of their ids; any other line when one of its comma-, tab- or
/// semicolon-separated cells is.
/// </summary>
public static class PersonFileEraser
{
    private static readonly char[] CellSeparators = [',', '\t', ';'];

    public static FileErasure Erase(byte[] content, ErasedPersons erased)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(erased);
        var gzip = content.Length >= 2 && content[0] == 0x1f && content[1] == 0x8b;
        var text = Encoding.UTF8.GetString(gzip ? RawSliceEraser.Gunzip(content) : content);
        var removed = new Dictionary<string, int>(StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            var requests = Mentions(line, erased);
            foreach (var request in requests)
            {
                removed[request] = removed.GetValueOrDefault(request) + 1;
            }
            if (requests.Count == 0)
            {
                kept.Add(line);
            }
        }
        if (removed.Count == 0)
        {
            return FileErasure.Unchanged;
        }
        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', kept));
        return new FileErasure(gzip ? RawSliceEraser.Gzip(bytes) : bytes, removed);
    }

    private static List<string> Mentions(string line, ErasedPersons erased)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return [];
        }
        IEnumerable<string> candidates;
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                candidates = Strings(document.RootElement).ToList();
            }
            catch (JsonException)
            {
                candidates = Cells(trimmed);
            }
        }
        else
        {
            candidates = Cells(trimmed);
        }
        return candidates.SelectMany(c => erased.RequestsOf(c)).Distinct(StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<string> Cells(string line) =>
        SplitCells(line).Select(c => c.Trim()).Where(c => c.Length > 0).SelectMany(Unguarded).Append(line);

    /// <summary>Cells split at <c>, ; tab</c> outside quotes, a quoted cell unquoted (<c>""</c> is a quote), as RFC 4180 writes them.</summary>
    private static List<string> SplitCells(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (Array.IndexOf(CellSeparators, c) >= 0)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }

    /// <summary>The cell, and without the <c>'</c> our CSV files put before a value a spreadsheet would run as a formula.</summary>
    private static IEnumerable<string> Unguarded(string cell) =>
        cell.Length > 1 && cell[0] == '\'' && cell[1] is '=' or '+' or '-' or '@' or '\t' or '\r' ? [cell, cell[1..]] : [cell];

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        _ => [],
    };
}
