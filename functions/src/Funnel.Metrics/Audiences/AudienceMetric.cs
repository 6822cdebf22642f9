using System.Text.Json.Serialization;

namespace Funnel.Metrics;

/// <summary>
/// Campaign audiences beside the report: who qualifies as of the report day, by person key, with the one fact
/// that qualified them and nothing else about the person. Each list has exactly the persons the report counts:
/// high intent as <c>highIntent.persons</c>, churn warning and win-back (the dormant, to be woken) as the
/// <c>churnWarning</c> and <c>churned</c> lifecycle stages, new users, active-never-paid and high value as those
/// <c>layers</c>; two more name the persons a funnel step left waiting (activated without a purchase 3 days on, a
/// first purchase without a second 7 days on). Each comes with a suggested action (<see cref="DefaultActions"/>).
/// </summary>
public static class AudienceMetric
{
    /// <summary>Where an audience's file goes beside its report: <c>audiences/{name}.csv</c>.</summary>
    public static string FileName(string audience) => $"audiences/{audience}.csv";

    public const string HighIntent = "high-intent";
    public const string ChurnWarning = "churn-warning";
    public const string WinBack = "win-back";
    public const string NewUsers = "new-users";
    public const string ActiveNeverPaid = "active-never-paid";
    public const string HighValue = "high-value";
    public const string ActivatedNoPurchase = "activated-no-purchase-3d";
    public const string FirstPurchaseNoRepurchase = "first-purchase-no-repurchase-7d";

    /// <summary>Every audience, in the order the report lists them (the journey's order).</summary>
    public static readonly string[] Names = [NewUsers, ActivatedNoPurchase, ActiveNeverPaid, HighIntent, FirstPurchaseNoRepurchase, HighValue, ChurnWarning, WinBack];

    /// <summary>Activated (the first funnel's second step) at least this many days ago and never paid …</summary>
    public const int ActivationWaitDays = 3;

    /// <summary>… a first purchase at least this many days ago and no second one …</summary>
    public const int RepurchaseWaitDays = 7;

    /// <summary>… counting activations and first purchases of the 30 days before the wait, so a list stays one to act on.</summary>
    public const int WaitingWithinDays = 30;

    /// <summary>What the operations reports prescribe for each group; the definitions' <c>audienceActions</c> replace them by language.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> DefaultActions = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
    {
        [NewUsers] = Action("任务引导：新手任务与首单引导", "Guided tasks: onboarding checklist toward the first order"),
        [ActivatedNoPurchase] = Action("新人首单礼：首单优惠券 + 定向推荐", "First-order offer: a welcome coupon with targeted recommendations"),
        [ActiveNeverPaid] = Action("定向推荐：按浏览偏好推荐商品与限时优惠", "Targeted recommendations from browsing, with a time-limited offer"),
        [HighIntent] = Action("购物车提醒：推送或短信提醒未完成的订单", "Cart reminder: a push or SMS about the unfinished order"),
        [FirstPurchaseNoRepurchase] = Action("复购激励：复购券 + 关联商品推荐", "Repeat-purchase incentive: a second-order coupon and related products"),
        [HighValue] = Action("会员专属权益：会员日、专属客服与优先发货", "Member-only benefits: member days, dedicated service, priority shipping"),
        [ChurnWarning] = Action("流失预警挽回：关怀推送 + 专属优惠", "Save before churn: a personal reminder and an exclusive offer"),
        [WinBack] = Action("回归礼包 + 召回短信", "Comeback gift pack and a recall SMS"),
    };

    private static Dictionary<string, string> Action(string zh, string en) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { ["zh-CN"] = zh, ["en"] = en };

    /// <summary>The suggested action of each audience under <paramref name="definitions"/>: the default, with the configured languages replacing its own.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ActionsFor(MetricDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return Names.ToDictionary(name => name, name =>
        {
            var action = new SortedDictionary<string, string>(DefaultActions[name].ToDictionary(), StringComparer.Ordinal);
            foreach (var (language, text) in definitions.AudienceActions?.GetValueOrDefault(name) ?? new Dictionary<string, string>())
            {
                action[language] = text;
            }
            return (IReadOnlyDictionary<string, string>)action;
        }, StringComparer.Ordinal);
    }

    /// <summary>Adds the person to the audiences their stage, open intent and layers (as counted for the report day) and their funnel progress put them in.</summary>
    internal static void Count(string personKey, PersonState person, CountingDay day, int stage, long? intentAt, LayerMembership layers, AudienceFigures figures)
    {
        if (intentAt is { } at)
        {
            figures.HighIntent.Add(new AudienceMember(personKey, at));
        }
        if (stage is LifecycleMetric.ChurnWarning or LifecycleMetric.Churned && person.LatestActiveDayBy(day.Day) is { } lastActive)
        {
            (stage == LifecycleMetric.ChurnWarning ? figures.ChurnWarning : figures.WinBack).Add(new AudienceMember(personKey, lastActive));
        }
        if (layers.NewSince is { } signupDay)
        {
            figures.NewUsers.Add(new AudienceMember(personKey, signupDay));
        }
        if (layers.ActiveNeverPaidUntil is { } latest)
        {
            figures.ActiveNeverPaid.Add(new AudienceMember(personKey, latest));
        }
        if (layers.Revenue90 is { } revenue)
        {
            figures.Payers90.Add(new AudienceMember(personKey, revenue));
        }
        CountWaiting(personKey, person, day, figures);
    }

    private static void CountWaiting(string personKey, PersonState person, CountingDay day, AudienceFigures figures)
    {
        var d = day.Day;
        var bought = 0;
        foreach (var (at, _) in person.Purchases)
        {
            bought += day.DayOf(at) <= d ? 1 : 0;
        }
        if (bought == 0 && day.Definitions.Funnels[0].Steps.Count > 1 && FunnelMetric.ReachedAt(person, day, 0, 1) is { } activatedAt
            && day.DayOf(activatedAt) is var activated && activated <= d - ActivationWaitDays && activated > d - ActivationWaitDays - WaitingWithinDays)
        {
            figures.ActivatedNoPurchase.Add(new AudienceMember(personKey, activatedAt));
        }
        if (bought == 1 && person.Purchases[0].At is var firstAt && day.DayOf(firstAt) is var first
            && first <= d - RepurchaseWaitDays && first > d - RepurchaseWaitDays - WaitingWithinDays)
        {
            figures.FirstPurchaseNoRepurchase.Add(new AudienceMember(personKey, firstAt));
        }
    }
}

/// <summary>A person in an audience and the fact that qualified them: an instant (Unix ms), a day number or an amount, as the audience says.</summary>
public sealed record AudienceMember(
    [property: JsonPropertyName("person")] string Person,
    [property: JsonPropertyName("fact")] long Fact);

/// <summary>The members of each audience; shards' lists are concatenated, the files sort them.</summary>
public sealed class AudienceFigures
{
    /// <summary>Fact: the time of the open cart or checkout.</summary>
    [JsonPropertyName("highIntent")]
    public List<AudienceMember> HighIntent { get; init; } = [];

    /// <summary>Fact: the last active day.</summary>
    [JsonPropertyName("churnWarning")]
    public List<AudienceMember> ChurnWarning { get; init; } = [];

    /// <summary>Fact: the last active day.</summary>
    [JsonPropertyName("winBack")]
    public List<AudienceMember> WinBack { get; init; } = [];

    /// <summary>Fact: the signup day.</summary>
    [JsonPropertyName("newUsers")]
    public List<AudienceMember> NewUsers { get; init; } = [];

    /// <summary>Fact: the last active day.</summary>
    [JsonPropertyName("activeNeverPaid")]
    public List<AudienceMember> ActiveNeverPaid { get; init; } = [];

    /// <summary>Every payer of the last 90 days, fact: that revenue (ten-thousandths); the high-value cut needs them all (<see cref="HighValue"/>).</summary>
    [JsonPropertyName("payers90")]
    public List<AudienceMember> Payers90 { get; init; } = [];

    /// <summary>Fact: the time of activation.</summary>
    [JsonPropertyName("activatedNoPurchase")]
    public List<AudienceMember> ActivatedNoPurchase { get; init; } = [];

    /// <summary>Fact: the time of the first purchase.</summary>
    [JsonPropertyName("firstPurchaseNoRepurchase")]
    public List<AudienceMember> FirstPurchaseNoRepurchase { get; init; } = [];

    /// <summary>高价值: the payers at or above the top 20 % cut of 90-day revenue, exactly as <c>layers.highValue</c> counts them.</summary>
    public List<AudienceMember> HighValue()
    {
        var threshold = LayerMetric.HighValueThreshold(Payers90.ConvertAll(p => LayerMetric.Revenue90(p.Fact)));
        return threshold is { } cut ? Payers90.FindAll(p => LayerMetric.Revenue90(p.Fact) >= cut) : [];
    }

    /// <summary>Each audience's members by name (<see cref="AudienceMetric.Names"/>).</summary>
    public IReadOnlyDictionary<string, List<AudienceMember>> ByName() => new Dictionary<string, List<AudienceMember>>(StringComparer.Ordinal)
    {
        [AudienceMetric.NewUsers] = NewUsers,
        [AudienceMetric.ActivatedNoPurchase] = ActivatedNoPurchase,
        [AudienceMetric.ActiveNeverPaid] = ActiveNeverPaid,
        [AudienceMetric.HighIntent] = HighIntent,
        [AudienceMetric.FirstPurchaseNoRepurchase] = FirstPurchaseNoRepurchase,
        [AudienceMetric.HighValue] = HighValue(),
        [AudienceMetric.ChurnWarning] = ChurnWarning,
        [AudienceMetric.WinBack] = WinBack,
    };

    internal void Merge(AudienceFigures other)
    {
        HighIntent.AddRange(other.HighIntent);
        ChurnWarning.AddRange(other.ChurnWarning);
        WinBack.AddRange(other.WinBack);
        NewUsers.AddRange(other.NewUsers);
        ActiveNeverPaid.AddRange(other.ActiveNeverPaid);
        Payers90.AddRange(other.Payers90);
        ActivatedNoPurchase.AddRange(other.ActivatedNoPurchase);
        FirstPurchaseNoRepurchase.AddRange(other.FirstPurchaseNoRepurchase);
    }
}
