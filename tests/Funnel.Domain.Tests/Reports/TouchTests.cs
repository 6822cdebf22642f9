using Funnel.Metrics;
using static Funnel.Domain.Tests.Reports.PurchasesAndStageKpisTests;

namespace Funnel.Domain.Tests.Reports;

/// <summary>触达与频控 at its edges, by hand, against the naive oracle on the same events.</summary>
public class TouchTests
{
    [Fact]
    public void A_person_sent_exactly_the_weekly_cap_is_within_it_and_one_more_is_over()
    {
        var events = new List<Funnel.Events.ProductEvent>();
        // Seven pushes in the week (the cap), one 7 days back (out of it); eight pushes for the other; two opened.
        for (var i = 0; i < 7; i++)
        {
            events.Add(Track("at-cap", "Push Notification Received", At(i, 10)));
            events.Add(Track("over-cap", "Push Notification Received", At(i, 11)));
        }
        events.Add(Track("at-cap", "Push Notification Received", At(7, 10)));
        events.Add(Track("over-cap", "Push Notification Received", At(0, 12)));
        events.Add(Track("at-cap", "Push Notification Tapped", At(0, 10) + 60_000));
        events.Add(Track("over-cap", "Push Notification Tapped", At(3, 11) + 60_000));
        events.Add(Track("sms-person", "SMS Delivered", At(2, 9)));

        var touches = Run(events).Report.Touches;

        var push = touches.Single(t => t.Channel == "push");
        Assert.Equal((15L, 2L, 0.133333, 2L, 7, 1L), (push.Sent, push.Opened, push.OpenRate, push.PersonsTouched, push.WeeklyCap, push.PersonsOverCap));
        var sms = touches.Single(t => t.Channel == "sms");
        Assert.Equal((1L, 0L, 0.0, 1L, 0L), (sms.Sent, sms.Opened, sms.OpenRate, sms.PersonsTouched, sms.PersonsOverCap));
    }

    [Fact]
    public void Touch_channels_are_checked_by_path()
    {
        var definitions = MetricDefinitions.Default with
        {
            Touches = [new TouchChannel("push", "Push Received", "Push Received", 0), new TouchChannel("push", "", "Opened", 5)],
        };
        Assert.Equal(["touches[0].opened", "touches[0].weeklyCap", "touches[1].channel", "touches[1].sent"], definitions.Problems().Select(p => p.Path));
    }
}
