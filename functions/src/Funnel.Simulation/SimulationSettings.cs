namespace Funnel.Simulation;

/// <summary>
/// Parameters of a generated data set. Defaults reproduce the operations reports this project comes
/// from: activation 65%, activation→first purchase 38%, first purchase→repurchase 35%, new-user D7
/// retention 48.2%; with the default visitor volume, paying conversion 5.1%.
/// </summary>
public sealed record SimulationSettings
{
    public int Days { get; init; } = 60;
    public int SignupsPerDay { get; init; } = 1_000;

    /// <summary>
    /// Visitors per day who browse once without signing up, per signup. At 3.9 the 30-day paying
    /// conversion (paying persons / MAU) comes out at the operations reports' 5.1%.
    /// </summary>
    public double BouncersPerSignup { get; init; } = 3.9;

    public DateOnly FirstDay { get; init; } = new(2026, 9, 1);
    public string TimeZone { get; init; } = "Asia/Shanghai";

    public IReadOnlyList<(string Name, double Weight)> Channels { get; init; } = [("wechat", 0.34), ("douyin", 0.26), ("baidu", 0.14), ("appstore", 0.11), ("direct", 0.15)];
    /// <summary>
    /// The campaigns (utm medium and name) of each channel a person may come from, drawn by weight within the channel; the
    /// event that brings a person (their first, or the anonymous landing's views) names it, later events do not.
    /// </summary>
    public IReadOnlyList<(string Channel, string Medium, string Name, double Weight)> Campaigns { get; init; } =
    [
        ("wechat", "social", "wechat-moments-ad", 0.6), ("wechat", "kol", "wechat-kol-spring", 0.4),
        ("douyin", "cpc", "douyin-feed", 0.7), ("douyin", "live", "douyin-live-sale", 0.3),
        ("baidu", "cpc", "baidu-brand", 0.5), ("baidu", "cpc", "baidu-generic", 0.5),
        ("appstore", "cpc", "appstore-search-ads", 1),
    ];

    /// <summary>Campaigns that bring back persons already known (a later touch): a share of signed-up persons gets one on an active day.</summary>
    public IReadOnlyList<(string Channel, string Medium, string Name, double Weight)> RetargetingCampaigns { get; init; } =
    [
        ("wechat", "retargeting", "wechat-retarget-coupon", 0.5), ("douyin", "retargeting", "douyin-retarget-live", 0.3),
        ("email", "email", "weekly-deals", 0.2),
    ];

    /// <summary>Share of signed-up persons touched once by a retargeting campaign, on an active day 1 to 20 days after signup.</summary>
    public double Retargeted { get; init; } = 0.25;

    /// <summary>Share of persons back after a long quiet spell whose return comes from the win-back SMS campaign.</summary>
    public double WinBackCampaign { get; init; } = 0.5;

    public IReadOnlyList<(string Name, double Weight)> Platforms { get; init; } = [("iOS", 0.42), ("Android", 0.43), ("Web", 0.15)];

    /// <summary>激活 within 7 days of signup.</summary>
    public double Activation { get; init; } = 0.65;

    /// <summary>首购 within 3 days of activation (the average over experiment variants).</summary>
    public double FirstPurchase { get; init; } = 0.38;

    /// <summary>复购 within 30 days of the first purchase.</summary>
    public double Repurchase { get; init; } = 0.35;

    /// <summary>Chance of any activity on calendar day 1 after signup.</summary>
    public double D1Retention { get; init; } = 0.55;

    /// <summary>Chance of activity on day 7; activity decays exponentially from day 1 toward <see cref="LongTermActivity"/>.</summary>
    public double D7Retention { get; init; } = 0.482;

    public double LongTermActivity { get; init; } = 0.30;

    /// <summary>沉睡 then back: fraction of signed-up persons who go quiet after their first week for 28-45 days, then return.</summary>
    public double DormantThenBack { get; init; } = 0.15;

    /// <summary>沉睡用户唤醒: of the dormant persons who come back, the share active again within 7 days (the operations reports count 52%); the others stay away those 7 days.</summary>
    public double WinBackActiveWithin7 { get; init; } = 0.52;

    /// <summary>
    /// Share of cart sessions (a <c>Product Added</c>, sometimes a <c>Checkout Started</c>) that end without an order
    /// (the commonly cited e-commerce average is about 70%): buyers leave some carts in the week before a purchase,
    /// activated persons who never buy leave the rest, so abandoned / all carts comes to this share.
    /// </summary>
    public double CartAbandonment { get; init; } = 0.70;

    /// <summary>Chance, per active day from 31 days after the first purchase on, that a payer buys again (outside the repurchase window).</summary>
    public double LaterPurchasePerActiveDay { get; init; } = 0.02;

    /// <summary>
    /// Share of signed-up persons who first land anonymously from their campaign 1 to 5 days before signing up
    /// (1 to 3 page views on the device they later sign up on); their later calls name no campaign, so only the
    /// device's history gives them their first touch.
    /// </summary>
    public double AnonymousLanding { get; init; } = 0.5;

    /// <summary>Share of signed-up persons who later browse on a second device, first anonymously, then signed in the same day.</summary>
    public double SecondDevice { get; init; } = 0.1;

    public string Experiment { get; init; } = "pay-3-steps";

    /// <summary>A gradual rollout (灰度发布) seen by every signed-up person: this share gets variant <c>new</c>, the rest <c>control</c>.</summary>
    public string RolloutExperiment { get; init; } = "onboarding-v2";

    public double RolloutShare { get; init; } = 0.3;

    /// <summary>Share of activated persons who did not buy at first and make a first purchase 10 to 60 days after signup.</summary>
    public double LateFirstPurchase { get; init; } = 0.05;

    /// <summary>Share of signed-up persons who answer the NPS survey once, 3 to 60 days after signup.</summary>
    public double SurveyAnswered { get; init; } = 0.2;

    public string SurveyEvent { get; init; } = "Survey Answered";

    /// <summary>Chance that an active day of a signed-up person has an evening of browsing (screens 20 to 40 minutes apart).</summary>
    public double BrowsingDays { get; init; } = 0.3;

    /// <summary>Feature events and the chance a signed-up person uses each on one of their active days.</summary>
    public IReadOnlyList<(string Name, double Chance)> Features { get; init; } = [("Search Performed", 0.3), ("Coupon Claimed", 0.08), ("Product Shared", 0.05)];

    /// <summary>Relative lift of the treatment's first-purchase rate over control.</summary>
    public double TreatmentLift { get; init; } = 0.10;

    /// <summary>Fraction of events processed 1-3 days after they happened.</summary>
    public double LateFraction { get; init; } = 0.05;

    /// <summary>Fraction of events delivered a second time (same messageId) within 2 days.</summary>
    public double DuplicateFraction { get; init; } = 0.02;

    public int Seed { get; init; } = 42;

    /// <summary>Checks the settings and names the one that is off.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("activation", Activation), ("firstPurchase", FirstPurchase), ("repurchase", Repurchase), ("d1Retention", D1Retention), ("d7Retention", D7Retention), ("lateFraction", LateFraction), ("dormantThenBack", DormantThenBack), ("duplicateFraction", DuplicateFraction), ("winBackActiveWithin7", WinBackActiveWithin7), ("anonymousLanding", AnonymousLanding), ("secondDevice", SecondDevice), ("rolloutShare", RolloutShare), ("lateFirstPurchase", LateFirstPurchase), ("surveyAnswered", SurveyAnswered), ("browsingDays", BrowsingDays) })
        {
            if (value is < 0 or > 1)
            {
                throw new ArgumentException($"{name} must be a fraction between 0 and 1, not {value}");
            }
        }
        if (CartAbandonment is < 0 or >= 0.95)
        {
            throw new ArgumentException($"cartAbandonment must be a fraction from 0 to 0.95 (exclusive), not {CartAbandonment}");
        }
        if (Days < 1 || SignupsPerDay < 0)
        {
            throw new ArgumentException("days must be at least 1 and signupsPerDay at least 0");
        }
        if (!(LongTermActivity < D7Retention && D7Retention < D1Retention))
        {
            throw new ArgumentException("retention must decay: longTermActivity < d7Retention < d1Retention");
        }
        if (FirstPurchase * (1 + TreatmentLift / 2) > 1 || TreatmentLift < 0)
        {
            throw new ArgumentException("firstPurchase with treatmentLift must stay a probability");
        }
    }
}
