using System.CommandLine;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Funnel.Cli;

/// <summary>Uploads a file to the deployed app's ops API with a function key, and prints what the app refused.</summary>
internal static class OpsApi
{
    /// <summary>
    /// <c>--app</c>, the deployed app's base address, and <c>--key</c>, a function key of its ops API: the options of every command
    /// that calls the app. System.CommandLine does not bind a <see cref="Uri"/> by itself, so the address is parsed here.
    /// </summary>
    public static (Option<Uri> App, Option<string?> Key) AppOptions()
    {
        var app = new Option<Uri>("--app")
        {
            Description = "The app's base address, e.g. https://myapp.azurewebsites.net/api or http://127.0.0.1:7071",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https")
                {
                    return address;
                }
                result.AddError($"--app: '{text}' is not an absolute http or https address, e.g. http://127.0.0.1:7071");
                return null;
            },
        };
        var key = new Option<string?>("--key") { Description = "A function key of the ops API (default: the FUNNEL_OPS_KEY environment variable)" };
        return (app, key);
    }

    /// <summary>The function key given, else <c>FUNNEL_OPS_KEY</c>; null (after saying so) when there is none.</summary>
    public static async Task<string?> KeyAsync(string? given)
    {
        var key = given ?? Environment.GetEnvironmentVariable("FUNNEL_OPS_KEY");
        if (string.IsNullOrEmpty(key))
        {
            await Console.Error.WriteLineAsync("error: --key: a function key of the ops API is required (or set FUNNEL_OPS_KEY)");
            return null;
        }
        return key;
    }

    /// <summary>The file's text, or null after saying it does not exist.</summary>
    public static async Task<string?> ReadFileAsync(FileInfo file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"error: file: {file.FullName} does not exist");
            return null;
        }
        return await File.ReadAllTextAsync(file.FullName, cancellationToken);
    }

    /// <summary>PUTs the file's text to <paramref name="route"/>; the answer on success, else null after printing every error the app named.</summary>
    public static async Task<JsonElement?> PutAsync(Uri app, string key, string route, FileInfo file, string mediaType, CancellationToken cancellationToken)
    {
        if (await ReadFileAsync(file, cancellationToken) is not { } text)
        {
            return null;
        }
        using var client = new HttpClient { BaseAddress = new Uri(app.ToString().TrimEnd('/') + "/") };
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        using var content = new StringContent(text, Encoding.UTF8, mediaType);
        HttpResponseMessage response;
        try
        {
            response = await client.PutAsync(new Uri(route, UriKind.Relative), content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"error: --app: cannot reach {app}: {ex.Message}; nothing was stored");
            return null;
        }
        using var answered = response;
        // An answer that is not JSON (a proxy's page, an empty 401) is reported by its status alone.
        JsonElement? answer = null;
        try
        {
            answer = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (JsonException)
        {
        }
        if (response.IsSuccessStatusCode && answer is { ValueKind: JsonValueKind.Object })
        {
            return answer;
        }
        if (answer is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
        {
            foreach (var error in errors.EnumerateArray())
            {
                await Console.Error.WriteLineAsync($"{file.Name}: {Text(error, "field")}: {Text(error, "reason")}");
            }
        }
        await Console.Error.WriteLineAsync($"error: {(int)response.StatusCode} {response.ReasonPhrase}: nothing was stored");
        return null;
    }

    private static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ToString() : "?";
}
