using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Funnel.Cli;

/// <summary>Uploads a file to the deployed app's ops API with a function key, and prints what the app refused.</summary>
internal static class OpsApi
{
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
        using var response = await client.PutAsync(new Uri(route, UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return answer;
        }
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("errors", out var errors))
        {
            foreach (var error in errors.EnumerateArray())
            {
                await Console.Error.WriteLineAsync($"{file.Name}: {error.GetProperty("field").GetString()}: {error.GetProperty("reason").GetString()}");
            }
        }
        await Console.Error.WriteLineAsync($"error: {(int)response.StatusCode}: nothing was stored");
        return null;
    }
}
