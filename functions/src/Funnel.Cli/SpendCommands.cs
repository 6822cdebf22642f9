using System.CommandLine;

namespace Funnel.Cli;

/// <summary><c>funnel spend import FILE --app URL</c>: uploads channel spend (CSV <c>day,channel,amount,currency</c>) to the deployed app (<c>PUT /ops/spend</c>).</summary>
internal static class SpendCommands
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "UTF-8 CSV with the header day,channel,amount,currency" };
        var (app, key) = OpsApi.AppOptions();
        var import = new Command("import", "Store what each channel cost each day; a day and channel already stored is replaced") { file, app, key };
        import.SetAction(async (parse, ct) =>
        {
            if (await OpsApi.KeyAsync(parse.GetValue(key)) is not { } opsKey
                || await OpsApi.PutAsync(parse.GetValue(app)!, opsKey, "ops/spend", parse.GetValue(file)!, "text/csv", ct) is not { } answer)
            {
                return 1;
            }
            Console.WriteLine($"{answer.GetProperty("rows").GetInt32()} rows stored; the next reports read them");
            return 0;
        });
        return new Command("spend", "Channel spend, the numerator of CAC") { import };
    }
}
