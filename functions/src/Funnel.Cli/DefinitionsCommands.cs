using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Metrics;

namespace Funnel.Cli;

/// <summary>
/// <c>funnel definitions validate FILE</c> checks a definitions document offline and names every problem;
/// <c>funnel definitions upload FILE --app URL</c> puts it in force in the deployed app (<c>PUT /ops/definitions</c>).
/// </summary>
internal static class DefinitionsCommands
{
    public static Command Build()
    {
        var validateFile = new Argument<FileInfo>("file") { Description = "The definitions document (JSON)" };
        var validate = new Command("validate", "Check a definitions document and name every problem (path and reason)") { validateFile };
        validate.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(validateFile)!;
            if (await ReadAsync(file, ct) is not { } text)
            {
                return 2;
            }
            var (definitions, problems) = MetricDefinitions.Parse(text);
            if (definitions is null)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"{file.Name}: {problem.Path}: {problem.Reason}");
                }
                return 1;
            }
            Console.WriteLine($"{file.Name}: valid; {definitions.Funnels.Count} funnels, {definitions.Targets?.Count ?? 0} targets, hash {definitions.Hash}");
            return 0;
        });

        var uploadFile = new Argument<FileInfo>("file") { Description = "The definitions document (JSON)" };
        var app = new Option<Uri>("--app") { Description = "The app's base address, e.g. https://myapp.azurewebsites.net/api or http://127.0.0.1:7071", Required = true };
        var key = new Option<string?>("--key") { Description = "A function key of the ops API (default: the FUNNEL_OPS_KEY environment variable)" };
        var upload = new Command("upload", "Put a definitions document in force in the deployed app, from the next day's run on") { uploadFile, app, key };
        upload.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(uploadFile)!;
            var opsKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("FUNNEL_OPS_KEY");
            if (string.IsNullOrEmpty(opsKey))
            {
                await Console.Error.WriteLineAsync("error: --key: a function key of the ops API is required (or set FUNNEL_OPS_KEY)");
                return 2;
            }
            if (await ReadAsync(file, ct) is not { } text)
            {
                return 2;
            }
            using var client = new HttpClient { BaseAddress = new Uri(parse.GetValue(app)!.ToString().TrimEnd('/') + "/") };
            client.DefaultRequestHeaders.Add("x-functions-key", opsKey);
            using var content = new StringContent(text, Encoding.UTF8, "application/json");
            using var response = await client.PutAsync(new Uri("ops/definitions", UriKind.Relative), content, ct);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            if (!response.IsSuccessStatusCode)
            {
                var errors = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("errors", out var list) ? list.EnumerateArray().ToList() : [];
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync($"{file.Name}: {error.GetProperty("field").GetString()}: {error.GetProperty("reason").GetString()}");
                }
                await Console.Error.WriteLineAsync($"error: {(int)response.StatusCode}: the definitions in force are unchanged");
                return 1;
            }
            Console.WriteLine($"in force from the next run: hash {answer.GetProperty("hash").GetString()}, version {answer.GetProperty("version").GetString()}");
            return 0;
        });
        return new Command("definitions", "Check definitions documents and put one in force in the deployed app") { validate, upload };
    }

    private static async Task<string?> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"error: file: {file.FullName} does not exist");
            return null;
        }
        return await File.ReadAllTextAsync(file.FullName, cancellationToken);
    }
}
