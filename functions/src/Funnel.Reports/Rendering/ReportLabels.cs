using Funnel.Metrics;

namespace Funnel.Reports.Rendering;

/// <summary>The HTML report's fixed wording in English and Simplified Chinese (the operations teams' language).</summary>
public sealed class ReportLabels
{
    private static readonly Dictionary<string, (string En, string Zh)> Text = new(StringComparer.Ordinal)
    {
        ["title"] = ("Daily funnel report", "每日漏斗报告"),
        ["provisional"] = ("Provisional: the day has not closed; figures will change.", "临时报告：当天尚未结束，数据仍会变化。"),
        ["lifecycle"] = ("Lifecycle funnel", "生命周期漏斗（注册→激活→首购→复购）"),
        ["lifecycleNote"] = ("Each step's rate over the newest 7 cohorts whose window for that step has closed (persons who reached it beside); * no cohort has closed that window yet: the newest 7, still open.", "每一步的转化率取该步转化窗口已结束的最近 7 个批次（旁为到达人数）；* 表示尚无批次结束该窗口，取最近 7 个批次，仍在变化。"),
        ["purchase"] = ("Purchase path", "购买路径漏斗"),
        ["funnel"] = ("Funnel", "漏斗"),
        ["step"] = ("Step", "步骤"),
        ["persons"] = ("Persons", "人数"),
        ["rate"] = ("Conversion", "转化率"),
        ["dropOff"] = ("drop-off", "流失"),
        ["cohort"] = ("Cohort", "批次"),
        ["byChannel"] = ("By channel", "按渠道"),
        ["byPlatform"] = ("By platform", "按平台"),
        ["retention"] = ("Retention", "留存"),
        ["retentionNote"] = ("Share of each signup cohort active n days later (calendar days in the report's zone).", "各注册批次在之后第 1 至 30 天仍活跃的比例（D1 为次日，按报告时区的自然日）。"),
        ["size"] = ("Size", "人数"),
        ["rolling"] = ("Rolling", "滚动"),
        ["activity"] = ("Activity", "活跃度"),
        ["activityNote"] = ("Daily, weekly and monthly active persons over the last 90 days.", "最近 90 天的日活、周活、月活。"),
        ["stickiness"] = ("Stickiness (DAU/MAU)", "粘性（日活/月活）"),
        ["newPersons"] = ("New", "新增"),
        ["returning"] = ("Returning", "回访"),
        ["resurrected"] = ("Resurrected", "回流"),
        ["layers"] = ("User layers", "用户分层"),
        ["layer"] = ("Layer", "分层"),
        ["purchaseConversion"] = ("Paid in 30 days", "30 天内付费率"),
        ["new"] = ("New (7 days)", "新用户（7 天内）"),
        ["active"] = ("Active (30 days)", "活跃用户（30 天内）"),
        ["highValue"] = ("High value", "高价值用户"),
        ["dormant"] = ("Dormant", "沉睡用户"),
        ["activeNeverPaid"] = ("Active, never paid", "中腰部用户（活跃未付费）"),
        ["rfm"] = ("RFM", "RFM 分析"),
        ["rfmNote"] = ("Payers by recency (rows, 5 = most recent) and frequency (columns) quintile.", "付费用户按最近购买（行，5 为最近）与购买频次（列）五分位分布。"),
        ["group"] = ("Group", "群组"),
        ["money"] = ("Money", "收入"),
        ["payingPersons"] = ("Paying persons", "付费人数"),
        ["payingConversion"] = ("Paying conversion", "付费转化率"),
        ["revenue"] = ("Revenue (30 days)", "收入（30 天）"),
        ["channel"] = ("Channel", "渠道"),
        ["cost"] = ("Cost", "成本"),
        ["cac"] = ("CAC (per signup)", "拉新成本（每注册用户）"),
        ["newSignups"] = ("New signups", "新增注册"),
        ["ltv90"] = ("LTV (90 days)", "LTV（90 天）"),
        ["ltvToCac"] = ("LTV / CAC", "LTV / CAC"),
        ["experiments"] = ("Experiments", "实验"),
        ["variant"] = ("Variant", "版本"),
        ["exposed"] = ("Exposed", "曝光人数"),
        ["converted"] = ("Converted", "转化人数"),
        ["lift"] = ("Lift", "提升"),
        ["pValue"] = ("p-value", "p 值"),
        ["ci95"] = ("95% interval of the difference", "差异的 95% 置信区间"),
        ["srmFailed"] = ("Sample ratio mismatch: the exposure split differs from the configured one (p < 0.001); do not trust this experiment's result.", "样本比例不匹配：曝光分配与配置不符（p < 0.001），实验结果不可信。"),
        ["srmOk"] = ("Sample ratio check passed", "样本比例检查通过"),
        ["expectedShare"] = ("Configured split", "配置分配比例"),
        ["observedShare"] = ("Observed split", "实际曝光比例"),
        ["testedSteps"] = ("Each tested step against control", "各检验步骤与对照组比较"),
        ["manifest"] = ("About this report", "报告说明"),
        ["dataThrough"] = ("Data through", "数据截至"),
        ["rawDays"] = ("Raw days folded", "已处理的原始数据日期"),
        ["definitions"] = ("Definitions", "指标定义"),
        ["engine"] = ("Engine", "引擎版本"),
        ["events"] = ("Events folded", "已处理事件"),
        ["duplicates"] = ("Duplicates dropped", "去重丢弃"),
        ["reusedMessageIds"] = ("message ids reused for other events", "messageId 被重复用于不同事件"),
        ["late"] = ("Late events", "迟到事件"),
        ["malformed"] = ("Malformed lines", "格式错误行"),
        ["final"] = ("Final", "最终"),
        ["status"] = ("Status", "状态"),
        ["none"] = ("No data yet.", "暂无数据。"),
        ["stages"] = ("Lifecycle stages", "用户生命周期"),
        ["stagesNote"] = ("Every person seen, by stage the day before (left) and today (right); band widths are persons.", "所有出现过的用户：左为前一天所处阶段，右为今天；带宽为人数。"),
        ["stage"] = ("Stage", "阶段"),
        ["stage.none"] = ("Not seen before", "此前未出现"),
        ["stage.potential"] = ("Potential", "潜在用户"),
        ["stage.new"] = ("New", "新注册用户"),
        ["stage.growing"] = ("Growing", "成长用户"),
        ["stage.mature"] = ("Mature", "成熟用户"),
        ["stage.churnWarning"] = ("Churn warning", "流失预警用户"),
        ["stage.churned"] = ("Churned", "流失用户"),
        ["kpiPotential"] = ("Signed up within 7 days", "7 天注册转化率"),
        ["kpiNew"] = ("Next-day retention", "次日留存率"),
        ["kpiMature"] = ("Revenue per person, 90 days", "人均 90 天收入"),
        ["kpiCac"] = ("CAC per signup, 30 days", "获客成本（每注册用户，30 天）"),
        ["kpiNps"] = ("NPS, 30 days (respondents)", "净推荐值 NPS（30 天，答卷人数）"),
        ["kpiLtv"] = ("Revenue per person since signup (LTV)", "人均注册以来收入（LTV）"),
        ["purchases"] = ("First purchase and repurchase", "首购与复购"),
        ["purchasesNote"] = ("Payers by the day of their first-ever purchase: bought again within 7 and 30 days of it, active on days 1, 7 and 30 after; rates over the newest 7 cohorts whose window has closed; * the window is still open.", "按首次购买日分批：首购后 7 天、30 天内再次购买的人数，首购后第 1、7、30 天的活跃率；复购率取窗口已结束的最近 7 个批次；* 表示窗口尚未结束。"),
        ["repurchase7"] = ("Repurchase within 7 days of the first purchase", "首购后7日复购率"),
        ["repurchase30"] = ("Repurchase within 30 days of the first purchase", "首购用户30日复购率"),
        ["newPayers"] = ("New payers: today · 7 days · 30 days", "新增付费用户：今日 · 7 天 · 30 天"),
        ["ordersToday"] = ("Today: orders · GMV · average order value", "今日：订单量 · GMV · 客单价"),
        ["orders30"] = ("30 days: orders · GMV · average order value", "30 天：订单量 · GMV · 客单价"),
        ["ordersTodayShort"] = ("Orders today", "今日订单"),
        ["orders30Short"] = ("Orders, 30 days", "30 天订单"),
        ["aov"] = ("Average order value", "客单价"),
        ["firstPurchaseDay"] = ("First purchase day", "首购日"),
        ["firstPurchases"] = ("First purchases", "首购人数"),
        ["within7"] = ("Again within 7 days", "7 天内复购"),
        ["within30"] = ("Again within 30 days", "30 天内复购"),
        ["ordersByChannel"] = ("GMV by channel, 30 days", "各渠道 GMV（30 天）"),
        ["ordersByPlatform"] = ("GMV by platform, 30 days", "各平台 GMV（30 天）"),
        ["figure.purchases.newPayers.day"] = ("New payers", "新增付费用户"),
        ["figure.purchases.orders.day.orders"] = ("Orders", "订单量"),
        ["figure.purchases.orders.day.gmv"] = ("GMV", "GMV"),
        ["figure.purchases.orders.day.aov"] = ("Average order value", "客单价"),
        ["kpiWarning"] = ("Saved within 7 days", "挽回率（7 天）"),
        ["kpiChurned"] = ("Reactivated within 7 days", "二次激活率（7 天）"),
        ["winBack"] = ("Win-back", "沉睡用户唤醒"),
        ["winBackRate"] = ("Active again within 7 days, returns whose 7 days have passed", "唤醒后 7 日活跃率（已满 7 天的回访）"),
        ["winBackNote"] = ("Persons back after 30+ days without activity, and those active again within 7 days; * not yet 7 days.", "沉寂 30 天以上后回来的用户，及其 7 天内再次活跃的人数；* 表示尚未满 7 天。"),
        ["returnDay"] = ("Return day", "回归日"),
        ["returned"] = ("Returned", "回归人数"),
        ["activeWithin7"] = ("Active again within 7 days", "7 天内再次活跃"),
        ["highIntent"] = ("High intent", "高意向用户"),
        ["highIntentNote"] = ("Cart or checkout in the last 7 days and no order since, by channel; the list is in audiences/high-intent.csv.", "最近 7 天加购或发起结算且之后未下单的用户，按渠道；名单见 audiences/high-intent.csv。"),
        ["sessions"] = ("Sessions and time spent", "会话与使用时长"),
        ["sessionsNote"] = ("Sessions starting today (events at most 30 minutes apart) and the time in them per active person (daily time spent), by platform.", "今日开始的会话（事件间隔不超过 30 分钟）及每位活跃用户的会话时长（日均使用时长），按平台。"),
        ["all"] = ("All", "全部"),
        ["sessionCount"] = ("Sessions", "会话数"),
        ["averageSession"] = ("Average length", "平均时长"),
        ["sessionsPerPerson"] = ("Sessions per active person", "人均会话数"),
        ["timePerPerson"] = ("Time per active person", "日均使用时长"),
        ["figure.sessions.all.secondsPerActivePerson"] = ("Time per active person (s)", "日均使用时长（秒）"),
        ["campaigns"] = ("Campaigns and attribution", "活动效果与归因"),
        ["campaignsNote"] = ("The last 30 days' new persons, signups, first purchases and revenue by the campaign that brought each: every cell is first touch / last touch (the person's first campaign, or the latest one before the conversion, either at most 30 days before it). ROI = (revenue − spend) / spend where spend is uploaded.", "最近 30 天的新增、注册、首购与收入，按带来它的活动归因：每格为 首次触点 / 末次触点（用户的第一个活动，或转化前最近的一个活动，均须在转化前 30 天内）。已上传花费的活动显示 ROI =（收入 − 花费）/ 花费。"),
        ["campaign"] = ("Campaign", "活动"),
        ["signups"] = ("Signups", "注册"),
        ["campaignRevenue"] = ("Revenue", "收入"),
        ["spend"] = ("Spend", "花费"),
        ["notAttributed"] = ("Not attributed", "未归因"),
        ["touches"] = ("Messages and frequency caps", "触达与频控"),
        ["touchesNote"] = ("Over the last 7 days, per channel: messages sent, the share opened, persons reached, and persons sent more than the weekly cap.", "最近 7 天各渠道：发送条数、打开率、触达人数，以及超过每周频控上限的人数。"),
        ["sent"] = ("Sent", "发送"),
        ["openRate"] = ("Open rate", "打开率"),
        ["personsTouched"] = ("Persons reached", "触达人数"),
        ["overCap"] = ("Over the weekly cap", "超过每周上限"),
        ["features"] = ("Feature usage", "功能使用率"),
        ["featuresNote"] = ("Persons who used each feature today and in the last 30 days, as shares of the day's and the month's active persons.", "今日及最近 30 天使用各功能的人数，及其占日活、月活的比例。"),
        ["feature"] = ("Feature", "功能"),
        ["usedToday"] = ("Used today", "今日使用"),
        ["shareOfDau"] = ("Share of DAU", "占日活"),
        ["used30"] = ("Used in 30 days", "30 天内使用"),
        ["shareOfMau"] = ("Share of MAU", "占月活"),
        ["audiences"] = ("Audiences and what to do", "人群与建议动作"),
        ["audiencesNote"] = ("Who to reach today: each list is a CSV beside this report (person key and the fact that put them there).", "今日可触达的人群：每个名单是本报告旁的一个文件（用户标识及入选依据）。"),
        ["audience"] = ("Audience", "人群"),
        ["suggestedAction"] = ("Suggested action", "建议动作"),
        ["audience.new-users"] = ("New users (signed up in 7 days)", "新注册用户（7 天内）"),
        ["audience.activated-no-purchase-3d"] = ("Activated, no purchase 3 days on", "已激活 3 天未下单"),
        ["audience.active-never-paid"] = ("Active, never paid", "中腰部用户（活跃未付费）"),
        ["audience.high-intent"] = ("High intent (open cart)", "高意向用户（未完成购物车）"),
        ["audience.first-purchase-no-repurchase-7d"] = ("First purchase, no repurchase 7 days on", "首购 7 天未复购"),
        ["audience.high-value"] = ("High value (top 20% by 90-day revenue)", "高价值用户（90 天收入前 20%）"),
        ["audience.churn-warning"] = ("Churn warning", "流失预警用户"),
        ["audience.win-back"] = ("Churned, to win back", "流失用户（待唤醒）"),
        ["dataQuality"] = ("Data quality", "数据质量"),
        ["completeness"] = ("Completeness", "完整性"),
        ["missingChannel"] = ("without channel", "缺渠道"),
        ["missingPlatform"] = ("without platform", "缺平台"),
        ["uniqueness"] = ("Uniqueness", "唯一性"),
        ["timeliness"] = ("Timeliness", "及时性"),
        ["accuracy"] = ("Accuracy", "准确性"),
        ["invalidRevenue"] = ("Purchases with invalid revenue", "金额无效的订单"),
        ["consistency"] = ("Consistency", "一致性"),
        ["unknownEvents"] = ("Unknown events", "未定义事件"),
        ["rejectedAtIngest"] = ("Refused at ingest", "接入时拒收"),
        ["targets"] = ("Targets", "今日目标"),
        ["targetStatus"] = ("Status", "状态"),
        ["figure"] = ("Figure", "指标"),
        ["actual"] = ("Actual", "实际"),
        ["target"] = ("Target", "目标"),
        ["attainment"] = ("Attainment", "达成率"),
        ["status.green"] = ("Met", "达标"),
        ["status.amber"] = ("Near", "接近"),
        ["status.red"] = ("Missed", "未达标"),
        ["status.unknown"] = ("No figure", "无数据"),
        ["comparisons"] = ("Compared with earlier days", "环比"),
        ["comparisonsNote"] = ("Each headline figure today, 1, 7 and 28 days before (change since in small type) and its last 28 days; – no figure stored for that day.", "各核心指标今日值与 1 天、7 天、28 天前的值（小字为变化）及最近 28 天走势；– 表示当天无数据。"),
        ["today"] = ("Today", "今日"),
        ["d1"] = ("1 day before", "1 天前"),
        ["d7"] = ("7 days before", "7 天前"),
        ["d28"] = ("28 days before", "28 天前"),
        ["trend28"] = ("28 days", "28 天走势"),
        ["stepConversion"] = ("Step conversion of mature cohorts", "成熟批次的环节转化率"),
        ["worstStep"] = ("fell most", "下降最显著的环节"),
        ["figure.events.folded"] = ("Events folded", "已处理事件"),
        ["figure.activity.dau"] = ("DAU", "日活"),
        ["figure.activity.wau"] = ("WAU", "周活"),
        ["figure.activity.mau"] = ("MAU", "月活"),
        ["figure.activity.stickiness"] = ("Stickiness (DAU/MAU)", "粘性（日活/月活）"),
        ["figure.activity.newPersons"] = ("New persons", "新增用户"),
        ["figure.activity.returning"] = ("Returning", "回访用户"),
        ["figure.activity.resurrected"] = ("Resurrected", "回流用户"),
        ["figure.money.payingPersons"] = ("Paying persons", "付费人数"),
        ["figure.money.payingConversion"] = ("Paying conversion", "付费转化率"),
        ["figure.money.revenue"] = ("Revenue (30 days)", "收入（30 天）"),
        ["figure.money.arpu"] = ("ARPU", "ARPU"),
        ["figure.dataQuality.reusedMessageIds"] = ("Reused message ids", "重复使用的 messageId"),
        ["figure.dataQuality.timeliness.lateRate"] = ("Late event share", "迟到事件占比"),
        ["kpi"] = ("KPI", "关键指标"),
        ["seconds"] = ("s", "秒"),
        ["refused.request.malformed"] = ("Requests: malformed", "整批拒收：格式错误"),
        ["refused.request.unauthenticated"] = ("Requests: unknown write key", "整批拒收：写入密钥无效"),
        ["refused.request.unknownEndpoint"] = ("Requests: unknown endpoint", "整批拒收：未知接口"),
        ["refused.request.tooLarge"] = ("Requests: too large", "整批拒收：超出大小限制"),
        ["refused.request.unsupportedContent"] = ("Requests: unreadable content", "整批拒收：内容无法读取"),
        ["refused.event"] = ("Events with an invalid field", "字段无效的事件"),
    };

    /// <summary>Target paths with a built-in name: the label key of each, brackets emptied (their selectors are appended to the name).</summary>
    private static readonly Dictionary<string, string> FigureKeys = new(StringComparer.Ordinal)
    {
        ["comparisons.steps[].rate"] = "stepConversion",
        ["lifecycle.kpis.potentialSignupRate7"] = "kpiPotential",
        ["lifecycle.kpis.newD1"] = "kpiNew",
        ["lifecycle.kpis.matureRevenue90"] = "kpiMature",
        ["lifecycle.kpis.saveRate7"] = "kpiWarning",
        ["lifecycle.kpis.potentialCac"] = "kpiCac",
        ["lifecycle.kpis.growingNps"] = "kpiNps",
        ["lifecycle.kpis.matureLtv"] = "kpiLtv",
        ["purchases.funnel.within7.rate"] = "repurchase7",
        ["purchases.funnel.within30.rate"] = "repurchase30",
        ["lifecycle.kpis.reactivationRate7"] = "kpiChurned",
        ["money.channels[].cost"] = "cost",
        ["money.channels[].cac"] = "cac",
        ["money.channels[].ltv90"] = "ltv90",
        ["money.channels[].ltvToCac"] = "ltvToCac",
        ["money.channels[].newSignups"] = "newSignups",
    };

    /// <summary>
    /// The built-in step, event and RFM group names as the zh-CN page shows them (the reports' own words); a name a
    /// team defined itself is shown as written.
    /// </summary>
    private static readonly Dictionary<string, string> ChineseTerms = new(StringComparer.Ordinal)
    {
        ["Signed Up"] = "注册",
        ["Activated"] = "激活",
        ["first purchase"] = "首购",
        ["repurchase"] = "复购",
        ["Product Viewed"] = "浏览商品",
        ["Product Added"] = "加入购物车",
        ["Checkout Started"] = "提交订单",
        ["Order Completed"] = "完成支付",
        ["Search Performed"] = "搜索",
        ["push"] = "推送",
        ["sms"] = "短信",
        ["email"] = "邮件",
        ["Coupon Claimed"] = "领取优惠券",
        ["Product Shared"] = "分享商品",
        ["lifecycle"] = "生命周期",
        ["purchase path"] = "购买路径",
        ["champions"] = "重要价值客户",
        ["loyal"] = "忠诚客户",
        ["new customers"] = "新客户",
        ["at risk"] = "流失风险客户",
        ["hibernating"] = "沉睡客户",
        ["others"] = "其他",
    };

    private readonly bool _chinese;

    public ReportLabels(string language)
    {
        Language = language is "zh-CN" or "zh" ? "zh-CN" : "en";
        _chinese = Language == "zh-CN";
    }

    /// <summary><c>en</c> or <c>zh-CN</c>.</summary>
    public string Language { get; }

    public string this[string key] => Text.TryGetValue(key, out var text) ? (_chinese ? text.Zh : text.En) : key;

    /// <summary>A headline figure's or target path's name in the page's language; a path without a built-in name as is.</summary>
    public string Figure(string path) => BuiltInFigure(path) ?? path;

    /// <summary>
    /// The built-in name of a report path (<c>money.channels[wechat].cac</c> → "CAC (per signup) · wechat"), each
    /// bracket's selector appended as a term; null when the path has none.
    /// </summary>
    public string? BuiltInFigure(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var selectors = new List<string>();
        var shape = new System.Text.StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            var close = path[i] == '[' ? path.IndexOf(']', i + 1) : -1;
            if (close < 0)
            {
                shape.Append(path[i]);
                continue;
            }
            selectors.Add(path[(i + 1)..close]);
            shape.Append("[]");
            i = close;
        }
        var key = Text.ContainsKey("figure." + shape) ? "figure." + shape : FigureKeys.GetValueOrDefault(shape.ToString());
        return key is null ? null : string.Join(" · ", [this[key], .. selectors.Select(Term)]);
    }

    /// <summary>A step, event or group name in the page's language: a built-in name translated, any other as is.</summary>
    public string Term(string name) => _chinese && ChineseTerms.TryGetValue(name, out var chinese) ? chinese : name;

    /// <summary>A defined name shown in the page's language: its label for the language when the definitions give one, else <see cref="Term"/>.</summary>
    public string Name(string name, IReadOnlyDictionary<string, string>? labels) => DisplayLabels.For(labels, Language) ?? Term(name);

    /// <summary>Why an ingest refusal reason (<c>request.tooLarge</c>, <c>event.{field}</c>) was refused, in the page's language, and the field when there is one.</summary>
    public (string Reason, string? Field) Refusal(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Text.ContainsKey("refused." + reason) ? (this["refused." + reason], null)
            : reason.StartsWith("event.", StringComparison.Ordinal) ? (this["refused.event"], reason["event.".Length..])
            : (reason, null);
    }

    /// <summary>Every built-in English word the page may show: the English labels that differ in Chinese and the built-in names <see cref="Term"/> translates.</summary>
    public static IEnumerable<string> EnglishWording() =>
        Text.Values.Where(t => t.En != t.Zh).Select(t => t.En).Concat(ChineseTerms.Keys).Distinct(StringComparer.Ordinal);
}
