namespace Funnel.Oracle;

/// <summary>Every window of the report contract (docs/report.md), in days unless named otherwise.</summary>
public static class ReportWindows
{
    public const int FunnelCohortDays = 40;
    public const int RetentionCohortDays = 31;
    public const int RetentionLastDay = 30;
    public static readonly IReadOnlyList<int> RollingRetentionDays = [1, 7, 30];
    public const int DedupProcessingDays = 7;
    public const int WeekDays = 7;
    public const int MonthDays = 30;

    /// <summary>Resurrected: active today after this many days or more without activity.</summary>
    public const int ResurrectionQuietDays = 30;

    public const int NewLayerDays = 7;
    public const int HighValueRevenueDays = 90;

    /// <summary>High value: the top fifth (in percent) of payers by revenue.</summary>
    public const int HighValueTopPercent = 20;

    public const int AcquisitionDays = 30;
    public const int LtvDays = 90;

    /// <summary>LTV is measured on persons first seen from 90 to 119 days before the report day.</summary>
    public const int LtvCohortFirstDay = 90;
    public const int LtvCohortLastDay = 119;

    public const int RfmScores = 5;
    public const int RateDecimals = 6;
    public const int MoneyDecimals = 2;
    public const long DayMs = 86_400_000;

    /// <summary>Lifecycle: new within 7 days of signup, churn warning after 14 quiet days, churned after 30, mature from 2 purchases.</summary>
    public const int LifecycleNewDays = 7;
    public const int LifecycleWarningQuietDays = 14;
    public const int LifecycleChurnedQuietDays = 30;
    public const int LifecycleMaturePurchases = 2;
    public const int LifecycleKpiDaysBack = 7;
    public const int LifecycleRevenueDays = 90;

    /// <summary>Win-back: back after 31+ days, cohorts of the last 30 return days, active again within 7.</summary>
    public const int WinBackQuietDays = 31;
    public const int WinBackCohortDays = 30;
    public const int WinBackFollowDays = 7;

    public const int HighIntentDays = 7;

    /// <summary>Purchases: first-purchase cohorts of 40 days, repurchase within 7 and 30 × 24 h, payer activity on days 1/7/30, 7 mature cohorts pooled.</summary>
    public const int PurchaseCohortDays = 40;
    public static readonly IReadOnlyList<int> RepurchaseWindowDays = [7, 30];
    public static readonly IReadOnlyList<int> PayerActiveDays = [1, 7, 30];
    public const int PooledMatureCohorts = 7;

    /// <summary>NPS: each respondent's latest answer of the 30 days ending on the report day; promoters score 9-10, detractors 0-6.</summary>
    public const int NpsDays = 30;
    public const int NpsPromoterFrom = 9;
    public const int NpsDetractorUpTo = 6;

    /// <summary>Audiences waiting on a step: activated 3 or more days before and never paid, one purchase 7 or more days before; each over the 30 days before that wait.</summary>
    public const int AudienceActivationWaitDays = 3;
    public const int AudienceRepurchaseWaitDays = 7;
    public const int AudienceWaitingDays = 30;


    /// <summary>Touches are counted over the 7 days ending on the report day.</summary>
    public const int TouchDays = 7;

    /// <summary>Campaign conversions count over the 30 days ending on the report day.</summary>
    public const int CampaignWindowDays = 30;

    /// <summary>A campaign touch credits conversions up to 30 days of 24 h after it.</summary>
    public const int CampaignAttributionDays = 30;
    public const int UnknownEventsTop = 20;
}
