using Funnel.Events;
using Funnel.Metrics;
using static Funnel.Domain.Tests.Reports.PurchasesAndStageKpisTests;

namespace Funnel.Domain.Tests.Reports;

/// <summary>活动效果与归因 at its edges, by hand, against the naive oracle on the same events (and the harness's spend table).</summary>
public class CampaignTests
{
    private const long DayMs = 86_400_000;

    private static ProductEvent From(ProductEvent e, string source, string? medium, string? name) =>
        e with { MessageId = $"{e.MessageId}-{name}", Channel = source, Campaign = CampaignKey.Of(source, medium, name) };

    private static ProductEvent Page(string person, long at) =>
        new($"{person}-page-{at}", person, EventType.Page, "Home", at, at + 1_000, null, "iOS", null, null, null, null);

    private static CampaignReport Row(CampaignsReport report, string name) => report.Campaigns.Single(c => c.Name == name);

    [Fact]
    public void A_conversion_whose_first_and_last_touches_differ_is_credited_to_each_by_its_model()
    {
        var events = new List<ProductEvent>
        {
            From(Page("p1", At(20, 10)), "douyin", "cpc", "douyin-feed"),
            Track("p1", "Signed Up", At(20, 11)),
            From(Page("p1", At(5, 9)), "wechat", "retargeting", "wechat-retarget-coupon"),
            Track("p1", "Order Completed", At(5, 10), 100m),
            Track("p1", "Order Completed", At(0, 10), 50m),
        };

        var campaigns = Run(events, spend: Funnel.Domain.Tests.Aggregation.EngineHarness.Spend).Report.Campaigns;

        var feed = Row(campaigns, "douyin-feed");
        Assert.Equal(("douyin", "cpc"), (feed.Source, feed.Medium));
        Assert.Equal((1L, 1L, 1L, 150m), (feed.FirstTouch.NewPersons, feed.FirstTouch.Signups, feed.FirstTouch.FirstPurchases, feed.FirstTouch.Revenue));
        Assert.Equal((1L, 1L, 0L, 0m), (feed.LastTouch.NewPersons, feed.LastTouch.Signups, feed.LastTouch.FirstPurchases, feed.LastTouch.Revenue));
        var retarget = Row(campaigns, "wechat-retarget-coupon");
        Assert.Equal((0L, 0L, 0L, 0m), (retarget.FirstTouch.NewPersons, retarget.FirstTouch.Signups, retarget.FirstTouch.FirstPurchases, retarget.FirstTouch.Revenue));
        Assert.Equal((0L, 0L, 1L, 150m), (retarget.LastTouch.NewPersons, retarget.LastTouch.Signups, retarget.LastTouch.FirstPurchases, retarget.LastTouch.Revenue));
        // The harness's spend table: douyin-feed 310.25 a day (30 days: 9,307.50); the retargeting campaign has no rows of its own.
        Assert.Equal(9307.5m, feed.Spend);
        Assert.Equal((-0.983884, -1.0), (feed.FirstTouch.Roi, feed.LastTouch.Roi));
        Assert.Null(retarget.Spend);
        Assert.Null(retarget.LastTouch.Roi);
        // Its channel's cost is every wechat row (campaign or not): 680 a day; the definitions' daily cost (100) only stands in without rows.
        var wechat = campaigns.Channels.Single(c => c.Channel == "wechat");
        Assert.Equal((20400m, 150m), (wechat.Spend, wechat.LastTouch.Revenue));
        Assert.Equal(Math.Round((150 - 20400) / 20400.0, 6), wechat.LastTouch.Roi);
    }

    [Fact]
    public void A_touch_exactly_30_days_before_a_conversion_credits_it_and_one_a_millisecond_older_does_not()
    {
        var touchedAt = At(30, 12);
        var events = new List<ProductEvent>
        {
            From(Page("edge", touchedAt), "baidu", "cpc", "baidu-brand"),
            Track("edge", "Order Completed", touchedAt + 30 * DayMs, 40m),
            From(Page("past", touchedAt - 1), "baidu", "cpc", "baidu-brand"),
            Track("past", "Order Completed", touchedAt + 30 * DayMs, 60m),
        };

        var campaigns = Run(events).Report.Campaigns;

        var brand = Row(campaigns, "baidu-brand");
        Assert.Equal((0L, 1L, 40m), (brand.FirstTouch.NewPersons, brand.FirstTouch.FirstPurchases, brand.FirstTouch.Revenue));
        Assert.Equal((1L, 40m), (brand.LastTouch.FirstPurchases, brand.LastTouch.Revenue));
        Assert.Equal((1L, 60m), (campaigns.NotAttributed.FirstTouch.FirstPurchases, campaigns.NotAttributed.FirstTouch.Revenue));
        Assert.Equal((1L, 60m), (campaigns.NotAttributed.LastTouch.FirstPurchases, campaigns.NotAttributed.LastTouch.Revenue));
    }

    [Fact]
    public void A_touch_after_a_conversion_does_not_credit_it_and_a_tie_in_time_goes_to_the_ordinally_first_campaign()
    {
        var events = new List<ProductEvent>
        {
            Track("later", "Signed Up", At(3, 10)),
            From(Page("later", At(3, 11)), "baidu", "cpc", "baidu-generic"),
            Track("later", "Order Completed", At(2, 10), 25m),
            From(Page("tied", At(4, 9)), "appstore", "cpc", "b-search"),
            From(Page("tied", At(4, 9)), "appstore", "cpc", "a-search"),
            Track("tied", "Signed Up", At(4, 10)),
        };

        var campaigns = Run(events).Report.Campaigns;

        var generic = Row(campaigns, "baidu-generic");
        Assert.Equal((0L, 0L, 1L, 25m), (generic.FirstTouch.NewPersons, generic.FirstTouch.Signups, generic.FirstTouch.FirstPurchases, generic.FirstTouch.Revenue));
        Assert.Equal((0L, 0L, 1L, 25m), (generic.LastTouch.NewPersons, generic.LastTouch.Signups, generic.LastTouch.FirstPurchases, generic.LastTouch.Revenue));
        Assert.Equal((1L, 1L), (campaigns.NotAttributed.FirstTouch.NewPersons, campaigns.NotAttributed.LastTouch.Signups));
        var a = Row(campaigns, "a-search");
        Assert.Equal((1L, 1L, 1L, 1L), (a.FirstTouch.NewPersons, a.FirstTouch.Signups, a.LastTouch.NewPersons, a.LastTouch.Signups));
        Assert.DoesNotContain(campaigns.Campaigns, c => c.Name == "b-search");
    }

    [Fact]
    public void A_device_landing_from_a_campaign_credits_the_user_it_links_to()
    {
        var landing = From(Page("device-6", At(4, 9)), "wechat", "social", "wechat-moments-ad") with { AnonymousOnly = true };
        var signup = Track("user-6", "Signed Up", At(4, 10)) with { LinkedDevice = "device-6" };
        var purchase = Track("user-6", "Order Completed", At(1, 10), 80m);

        var campaigns = Run([landing, signup, purchase]).Report.Campaigns;

        var moments = Row(campaigns, "wechat-moments-ad");
        Assert.Equal((1L, 1L, 1L, 80m), (moments.FirstTouch.NewPersons, moments.FirstTouch.Signups, moments.FirstTouch.FirstPurchases, moments.FirstTouch.Revenue));
        Assert.Equal((1L, 1L, 1L, 80m), (moments.LastTouch.NewPersons, moments.LastTouch.Signups, moments.LastTouch.FirstPurchases, moments.LastTouch.Revenue));
        Assert.Equal(0L, campaigns.NotAttributed.FirstTouch.NewPersons);
    }

    [Theory]
    [InlineData("douyin", "cpc", "feed", "douyin\u001fcpc\u001ffeed")]
    [InlineData(" douyin ", null, null, "douyin\u001f\u001f")]
    [InlineData(null, "cpc", "feed", "\u001fcpc\u001ffeed")]
    [InlineData(null, "cpc", null, null)]
    [InlineData("a\u001fb", "  ", "", "a b\u001f\u001f")]
    public void A_campaign_needs_a_source_or_a_name_and_its_parts_cannot_run_into_each_other(string? source, string? medium, string? name, string? key)
    {
        Assert.Equal(key, CampaignKey.Of(source, medium, name));
        if (key is not null)
        {
            Assert.Equal(key, CampaignKey.Of(CampaignKey.Parts(key).Source, CampaignKey.Parts(key).Medium, CampaignKey.Parts(key).Name));
        }
    }
}
