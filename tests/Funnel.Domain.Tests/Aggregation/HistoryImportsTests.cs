using Funnel.Engine.Aggregation;

namespace Funnel.Domain.Tests.Aggregation;

public class HistoryImportsTests
{
    private static readonly DateOnly Day1 = new(2026, 11, 1);
    private static DateOnly D(int n) => Day1.AddDays(n - 1);
    private static DateTimeOffset At(int day, int hour = 12) => new(D(day).ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero);
    private static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.UtcDateTime);

    [Fact]
    public void Without_imports_an_event_folds_on_the_day_it_was_received()
    {
        Assert.Equal(D(20), HistoryImports.None.FoldDayOf(D(3), D(20), At(20)));
    }

    [Fact]
    public void An_import_moves_covered_events_to_the_day_they_happened_but_not_before_its_first_day()
    {
        var imports = new HistoryImports([new HistoryImport(D(5), At(30))]);
        Assert.Equal(D(12), imports.FoldDayOf(D(12), D(30), At(30, 1)));   // history sent on day 30
        Assert.Equal(D(5), imports.FoldDayOf(D(2), D(30), At(30, 1)));     // older than the import: its first day
        Assert.Equal(D(30), imports.FoldDayOf(D(12), D(30), At(30, 13)));  // written after the import's instant: as received
        Assert.Equal(D(4), imports.FoldDayOf(D(2), D(4), At(4)));          // received before the import's first day: untouched
        Assert.Equal(D(20), imports.FoldDayOf(D(21), D(20), At(20)));      // a timestamp after its receipt: the receipt day
    }

    [Fact]
    public void With_two_imports_every_event_keeps_one_day_whatever_runs_again()
    {
        // The first import ran days 5..29 as of day 30; a later one runs days 15..39 as of day 40. For any event, the day it
        // folds on under both must equal its day under the first alone wherever the second does not run again (before day 15).
        var first = new HistoryImport(D(5), At(30));
        var second = new HistoryImport(D(15), At(40));
        var both = new HistoryImports([first, second]);
        var firstOnly = new HistoryImports([first]);
        for (var happened = 1; happened <= 40; happened++)
        {
            for (var folder = 1; folder <= 40; folder++)
            {
                foreach (var written in new[] { At(folder, 1), At(Math.Max(folder, 35)), At(Math.Max(folder, 40), 1) })
                {
                    var before = firstOnly.FoldDayOf(D(happened), D(folder), written);
                    var after = both.FoldDayOf(D(happened), D(folder), written);
                    if (before < D(15) || after < D(15))
                    {
                        Assert.Equal(before, after);
                    }
                }
            }
        }
    }

    [Fact]
    public void A_day_reads_ahead_to_the_import_instant_and_says_it_is_as_of_it()
    {
        var imports = new HistoryImports([new HistoryImport(D(5), At(30))]);
        Assert.True(imports.For(D(4), DayOf).IsEmpty);
        Assert.Equal(D(30), imports.For(D(10), DayOf).ReadsThrough(D(10), DayOf));
        Assert.Equal(At(30), imports.For(D(10), DayOf).AsOfFor(D(10), DayOf));
        Assert.Null(imports.For(D(30), DayOf).AsOfFor(D(30), DayOf));     // the import's own day reads nothing ahead
        Assert.False(imports.For(D(30), DayOf).IsEmpty);                   // but still leaves out what moved earlier
        Assert.True(imports.For(D(31), DayOf).IsEmpty);
    }
}
