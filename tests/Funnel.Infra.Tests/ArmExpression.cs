using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Funnel.Infra.Tests;

/// <summary>
/// Evaluates the part of the ARM template expression language that Bicep emits for our variables
/// (format, concat, createObject, createArray, string, length, variables, copyIndex, property and index
/// access), so a test can read the app settings a deployment will set and the names a resource loop
/// creates. Anything that needs Azure (parameters, reference, resourceId…) evaluates to a placeholder
/// such as <c>{parameters:name}</c>.
/// </summary>
internal sealed class ArmExpression
{
    private readonly JsonObject _template;
    private readonly long? _copyIndex;
    private string _text = "";
    private int _pos;

    /// <param name="template">The template whose variables the expressions read.</param>
    /// <param name="copyIndex">The iteration <c>copyIndex()</c> returns, when evaluating one element of a copy loop.</param>
    public ArmExpression(JsonObject template, long? copyIndex = null)
    {
        _template = template;
        _copyIndex = copyIndex;
    }

    /// <summary>Evaluates a template value: a "[…]" string is an expression, objects and arrays are evaluated member by member.</summary>
    public JsonNode? Value(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith('[') && !s.StartsWith("[[", StringComparison.Ordinal) => new ArmExpression(_template, _copyIndex).Parse(s[1..^1]),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(KeyOf(p.Key), Value(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Value).ToArray()),
        _ => node?.DeepClone(),
    };

    public JsonNode? Variable(string name) => Value(_template["variables"]?[name]);

    private string KeyOf(string key) => key.StartsWith('[') ? Value(JsonValue.Create(key))?.ToString() ?? key : key;

    private JsonNode? Parse(string text)
    {
        _text = text;
        _pos = 0;
        var result = Expression();
        Skip();
        if (_pos != _text.Length)
        {
            throw new FormatException($"unparsed rest of expression: {_text[_pos..]}");
        }
        return result;
    }

    private JsonNode? Expression()
    {
        Skip();
        JsonNode? value;
        if (Peek() == '\'')
        {
            value = JsonValue.Create(StringLiteral());
        }
        else if (char.IsDigit(Peek()) || Peek() == '-')
        {
            var start = _pos++;
            while (char.IsDigit(Peek()))
            {
                _pos++;
            }
            value = JsonValue.Create(long.Parse(_text[start.._pos], CultureInfo.InvariantCulture));
        }
        else
        {
            var name = Identifier();
            Expect('(');
            var args = new List<JsonNode?>();
            Skip();
            while (Peek() != ')')
            {
                args.Add(Expression());
                Skip();
                if (Peek() == ',')
                {
                    _pos++;
                }
            }
            Expect(')');
            value = Call(name, args);
        }
        while (true)
        {
            Skip();
            if (Peek() == '.')
            {
                _pos++;
                var property = Identifier();
                value = value is JsonObject o ? o[property]?.DeepClone() : JsonValue.Create($"{value}.{property}");
            }
            else if (Peek() == '[')
            {
                _pos++;
                var index = Expression();
                Expect(']');
                value = value is JsonArray a && index is JsonValue i && i.TryGetValue<long>(out var n) ? a[(int)n]?.DeepClone() : JsonValue.Create($"{value}[{index}]");
            }
            else
            {
                return value;
            }
        }
    }

    private JsonNode? Call(string name, List<JsonNode?> args) => name.ToLowerInvariant() switch
    {
        "variables" => Variable(args[0]!.ToString()),
        "format" => JsonValue.Create(string.Format(CultureInfo.InvariantCulture, args[0]!.ToString(), args.Skip(1).Select(a => (object?)Text(a)).ToArray())),
        "concat" when args.All(a => a is JsonArray) => new JsonArray(args.SelectMany(a => a!.AsArray().Select(x => x?.DeepClone())).ToArray()),
        "concat" => JsonValue.Create(string.Concat(args.Select(Text))),
        "createobject" => new JsonObject(Enumerable.Range(0, args.Count / 2).Select(i => KeyValuePair.Create(args[2 * i]!.ToString(), args[2 * i + 1]?.DeepClone()))),
        "createarray" => new JsonArray(args.Select(a => a?.DeepClone()).ToArray()),
        "string" => JsonValue.Create(Text(args[0])),
        "length" when args[0] is JsonArray array => JsonValue.Create((long)array.Count),
        "copyindex" when _copyIndex is { } index => JsonValue.Create(index + (args.LastOrDefault() is JsonValue last && last.TryGetValue<long>(out var offset) ? offset : 0)),
        _ => JsonValue.Create($"{{{name}:{string.Join(",", args.Select(Text))}}}"),
    };

    private static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    private string StringLiteral()
    {
        Expect('\'');
        var text = new StringBuilder();
        while (true)
        {
            var c = _text[_pos++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    text.Append('\'');
                    _pos++;
                    continue;
                }
                return text.ToString();
            }
            text.Append(c);
        }
    }

    private string Identifier()
    {
        Skip();
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '$' or '#'))
        {
            _pos++;
        }
        return start == _pos ? throw new FormatException($"identifier expected at {_pos} in {_text}") : _text[start.._pos];
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void Skip()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private void Expect(char c)
    {
        Skip();
        if (Peek() != c)
        {
            throw new FormatException($"'{c}' expected at {_pos} in {_text}");
        }
        _pos++;
    }
}
