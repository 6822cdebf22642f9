namespace Funnel.Functions.Aggregation;

/// <summary>The names of the daily run's functions; orchestrators call activities and sub-orchestrations by these.</summary>
public static class AggregationFunctionNames
{
    public const string ScheduleDaily = "ScheduleDaily";
    public const string DailyAggregation = "DailyAggregation";
    public const string AggregateDays = "AggregateDays";
    public const string PlanDay = "PlanDay";
    public const string LinkShards = "LinkShards";
    public const string FoldShards = "FoldShards";
    public const string LinkAndFoldShards = "LinkAndFoldShards";
    public const string PublishReport = "PublishReport";
    public const string Notify = "Notify";
}
