namespace Funnel.Engine.Aggregation;

/// <summary>
/// A range of days run again <em>as of</em> an instant: from <see cref="From"/> on, every raw event stored by
/// <see cref="AsOf"/> counts on the day it happened (its timestamp's day, or <see cref="From"/> for older ones), not on
/// the day it was received. This is how history sent today with past timestamps reaches the days it belongs to.
/// </summary>
public sealed record HistoryImport(DateOnly From, DateTimeOffset AsOf);

/// <summary>
/// Which day's run folds a raw event, given every import: normally the day its slice was received (the raw folder);
/// for an event in a slice that an import covers (written by the import's instant, received on or after its first day)
/// the day it happened, but not before that import's first day. With several imports covering a slice, the one starting
/// first decides, so an import never moves an event out of days that an earlier import already folded it into, and
/// never into days it does not run again (it runs every day from its first one).
/// </summary>
public sealed class HistoryImports
{
    public static readonly HistoryImports None = new([]);

    public HistoryImports(IReadOnlyList<HistoryImport> imports)
    {
        ArgumentNullException.ThrowIfNull(imports);
        All = imports;
    }

    public IReadOnlyList<HistoryImport> All { get; }

    public bool IsEmpty => All.Count == 0;

    /// <summary>The day whose run folds an event that happened on <paramref name="eventDay"/>, stored in the slice of raw folder <paramref name="folder"/> written at <paramref name="written"/>.</summary>
    public DateOnly FoldDayOf(DateOnly eventDay, DateOnly folder, DateTimeOffset written)
    {
        DateOnly? from = null;
        foreach (var import in All)
        {
            if (written <= import.AsOf && folder >= import.From && (from is null || import.From < from))
            {
                from = import.From;
            }
        }
        if (from is not { } first)
        {
            return folder;
        }
        var happened = eventDay < folder ? eventDay : folder;
        return happened < first ? first : happened;
    }

    /// <summary>
    /// The imports a run of <paramref name="day"/> must apply: those started on or before it whose instant is not before it
    /// (<paramref name="dayOf"/> gives an instant's reporting day). Raw of later days cannot be written by an earlier instant.
    /// </summary>
    public HistoryImports For(DateOnly day, Func<DateTimeOffset, DateOnly> dayOf)
    {
        ArgumentNullException.ThrowIfNull(dayOf);
        var relevant = All.Where(i => i.From <= day && dayOf(i.AsOf) >= day).ToList();
        return relevant.Count == 0 ? None : new HistoryImports(relevant);
    }

    /// <summary>The last raw folder a run of <paramref name="day"/> reads: the latest import instant's day, or the day itself.</summary>
    public DateOnly ReadsThrough(DateOnly day, Func<DateTimeOffset, DateOnly> dayOf)
    {
        ArgumentNullException.ThrowIfNull(dayOf);
        var last = day;
        foreach (var import in All.Where(i => i.From <= day))
        {
            var through = dayOf(import.AsOf);
            last = through > last ? through : last;
        }
        return last;
    }

    /// <summary>The instant the report of <paramref name="day"/> is as of when the run reads raw received after the day (null for a normal run).</summary>
    public DateTimeOffset? AsOfFor(DateOnly day, Func<DateTimeOffset, DateOnly> dayOf)
    {
        ArgumentNullException.ThrowIfNull(dayOf);
        DateTimeOffset? asOf = null;
        foreach (var import in All.Where(i => i.From <= day && dayOf(i.AsOf) > day))
        {
            asOf = asOf is { } a && a > import.AsOf ? a : import.AsOf;
        }
        return asOf;
    }
}
