using System.CommandLine;
using Funnel.Metrics;

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
            if (await OpsApi.ReadFileAsync(file, ct) is not { } text)
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
        var (app, key) = OpsApi.AppOptions();
        var upload = new Command("upload", "Put a definitions document in force in the deployed app, from the next day's run on") { uploadFile, app, key };
        upload.SetAction(async (parse, ct) =>
        {
            if (await OpsApi.KeyAsync(parse.GetValue(key)) is not { } opsKey
                || await OpsApi.PutAsync(parse.GetValue(app)!, opsKey, "ops/definitions", parse.GetValue(uploadFile)!, "application/json", ct) is not { } answer)
            {
                return 1;
            }
            Console.WriteLine($"in force from the next run: hash {answer.GetProperty("hash").GetString()}, version {answer.GetProperty("version").GetString()}");
            return 0;
        });
        return new Command("definitions", "Check definitions documents and put one in force in the deployed app") { validate, upload };
    }
}
