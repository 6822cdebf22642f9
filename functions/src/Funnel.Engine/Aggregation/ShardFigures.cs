using Funnel.Metrics;

namespace Funnel.Engine.Aggregation;

/// <summary>Computes a shard's <see cref="ReportFigures"/> for a report day from its folded state, person by person, every family at once.</summary>
public static class ShardFigures
{
    /// <summary>Figures for the report day; wider cohort windows serve analyses beyond the report (e.g. mature long funnels).</summary>
    public static ReportFigures Compute(ShardState state, EventFold fold, DateOnly reportDay, FoldCounts dayEvents,
        int funnelCohortDays = FunnelMetric.CohortDays, int retentionCohortDays = RetentionMetric.CohortDays)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(fold);
        var figures = new ReportFigures { Events = dayEvents };
        var day = new CountingDay(reportDay.DayNumber, fold.Definitions, fold.Days, fold.Slots)
        {
            FunnelCohortDays = funnelCohortDays,
            RetentionCohortDays = retentionCohortDays,
        };
        if (state.Cold.Count > 0 && (funnelCohortDays > FunnelMetric.CohortDays || retentionCohortDays > RetentionMetric.CohortDays))
        {
            throw new InvalidOperationException("cohort windows wider than the report's need every person hot: fold with DayRun.FullPass");
        }
        foreach (var (key, person) in state.Persons)
        {
            MetricFamilies.Count(key, person, day, figures);
        }
        state.Cold.AddTo(figures, day.Day);
        return figures;
    }
}
