using System.Globalization;
using Funnel.Events;

namespace Funnel.Simulation;

/// <summary>
/// The one simulator: a seeded, deterministic simulation of persons over days, shaped by <see cref="SimulationSettings"/>,
/// with the faults real pipelines see: late events, duplicate deliveries, and no order within a day.
/// Funnel events are placed on days the person is active anyway, so the configured retention holds
/// exactly in expectation and the funnel rates are the configured ones. The journeys are rendered as
/// Segment calls (<see cref="SegmentCalls"/>, to send to the app) or as stored raw events (<see cref="StoredEvents"/>).
/// </summary>
public sealed class JourneySimulator
{
    private const long MinuteMs = 60_000;
    private const long HourMs = 60 * MinuteMs;
    private readonly SimulationSettings _settings;
    private readonly TimeZoneInfo _zone;
    private readonly double _decayDays;

    public JourneySimulator(SimulationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(settings.TimeZone);
        // Activity on day n = floor + (d1 - floor)·exp(-(n-1)/τ), with τ set so day 7 gives the D7 retention.
        _decayDays = -6 / Math.Log((settings.D7Retention - settings.LongTermActivity) / (settings.D1Retention - settings.LongTermActivity));
    }

    public double ActivityOnDay(int n) => n == 0 ? 1 :
        _settings.LongTermActivity + (_settings.D1Retention - _settings.LongTermActivity) * Math.Exp(-(n - 1) / _decayDays);

    /// <summary>Every generated event, by the day it is processed; within a day in no particular order.</summary>
    public SortedDictionary<DateOnly, List<ProductEvent>> Generate() =>
        new(Deliveries().ToDictionary(d => d.Key, d => d.Value.ConvertAll(e => e.Event)));

    /// <summary>Every simulated event with the ids its call carries, by the day it is processed (late and duplicate deliveries included).</summary>
    public SortedDictionary<DateOnly, List<SimulatedEvent>> Deliveries()
    {
        var random = new Random(_settings.Seed);
        var byDay = new SortedDictionary<DateOnly, List<SimulatedEvent>>();
        var person = 0;
        var signedUp = new List<SignedUp>();
        var bouncers = new List<List<SimulatedEvent>>();
        for (var day = 0; day < _settings.Days; day++)
        {
            for (var i = 0; i < _settings.SignupsPerDay; i++)
            {
                signedUp.Add(SignedUpPerson(random, person++, day));
            }
            var perDay = (int)Math.Round(_settings.SignupsPerDay * _settings.BouncersPerSignup);
            for (var i = 0; i < perDay; i++)
            {
                bouncers.Add(Bouncer(random, person++, day));
            }
        }
        AbandonNonBuyersCarts(random, signedUp);
        signedUp.ForEach(p => p.Journey.NameCampaigns());
        foreach (var events in signedUp.Select(p => p.Journey.Events).Concat(bouncers))
        {
            Deliver(random, byDay, events);
        }
        foreach (var events in byDay.Values)
        {
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));
        }
        return byDay;
    }

    /// <summary>A signed-up person's journey, with the days they were active (index = days since signup).</summary>
    private sealed record SignedUp(Journey Journey, bool[] Active, int SignupDay);

    /// <summary>
    /// Buyers leave carts before their purchases; activated persons who never buy leave the rest, so that abandoned
    /// carts over all carts comes to <see cref="SimulationSettings.CartAbandonment"/>: each such cart goes to a random
    /// one of them on one of their active days.
    /// </summary>
    private void AbandonNonBuyersCarts(Random random, List<SignedUp> persons)
    {
        var purchases = persons.Sum(p => p.Journey.Purchases);
        var share = _settings.CartAbandonment;
        var wanted = (long)Math.Round(purchases * share / (1 - share));
        var left = wanted - persons.Sum(p => p.Journey.AbandonedCarts);
        var nonBuyers = persons.Where(p => p.Journey.Activated && p.Journey.Purchases == 0).ToList();
        for (var i = 0; i < left && nonBuyers.Count > 0; i++)
        {
            var person = nonBuyers[random.Next(nonBuyers.Count)];
            var days = Enumerable.Range(0, person.Active.Length).Where(n => person.Active[n]).ToList();
            var n = days[random.Next(days.Count)];
            person.Journey.AbandonCart(person.Journey.At(person.SignupDay + n, random.NextInt64(9 * HourMs, 23 * HourMs)));
        }
    }

    private SignedUp SignedUpPerson(Random random, int index, int signupDay)
    {
        var journey = new Journey(this, random, $"user-{index:D7}", index, Pick(random, _settings.Channels), Pick(random, _settings.Platforms));
        var active = new bool[_settings.Days - signupDay];
        active[0] = true;
        var back = -1;
        for (var n = 1; n < active.Length; n++)
        {
            active[n] = random.NextDouble() < ActivityOnDay(n);
        }
        if (random.NextDouble() < _settings.DormantThenBack)
        {
            // Quiet from day 8 or later (so D1 and D7 keep their configured rates), back 28 to 45 days later (around the 30-day boundary of "resurrected").
            var quietFrom = random.Next(8, 21);
            var quietDays = random.Next(28, 46);
            for (var n = quietFrom; n < Math.Min(active.Length, quietFrom + quietDays); n++)
            {
                active[n] = false;
            }
            back = quietFrom + quietDays;
            if (back < active.Length)
            {
                active[back] = true;
                // Woken persons either come again within the week (on at least one of its days) or stay away all of it.
                var stays = random.NextDouble() < _settings.WinBackActiveWithin7;
                var week = Enumerable.Range(back + 1, 7).Where(n => n < active.Length).ToList();
                foreach (var n in week)
                {
                    active[n] = stays && active[n];
                }
                if (stays && week.Count > 0 && !week.Any(n => active[n]))
                {
                    active[week[random.Next(week.Count)]] = true;
                }
            }
        }
        var signupAt = journey.At(signupDay, random.NextInt64(9 * HourMs, 12 * HourMs));
        if (random.NextDouble() < _settings.AnonymousLanding)
        {
            // The campaign brought the device days before the signup; the signed-in calls name no campaign.
            // On the data set's first day, the landing is that morning, before the signup.
            var landingDay = Math.Max(0, signupDay - random.Next(1, 6));
            for (var views = random.Next(1, 4); views > 0; views--)
            {
                var msOfDay = landingDay < signupDay ? random.NextInt64(8 * HourMs, 23 * HourMs) : random.NextInt64(6 * HourMs, 9 * HourMs);
                journey.Add(EventType.Page, "Home", journey.At(landingDay, msOfDay));
            }
            journey.CampaignOnLandingOnly = true;
        }
        journey.Add(EventType.Screen, "Home", signupAt - random.NextInt64(MinuteMs, 10 * MinuteMs));
        journey.Identified = true;
        journey.Add(EventType.Track, "Signed Up", signupAt);
        journey.Add(EventType.Identify, null, signupAt + 1_000);
        var variant = random.NextDouble() < 0.5 ? "control" : "treatment";
        journey.Add(EventType.Track, "Experiment Viewed", signupAt + 5_000, experiment: _settings.Experiment, variant: variant);

        var last = signupAt + 10_000;
        if (random.NextDouble() < _settings.Activation && journey.PlaceAfter(active, signupDay, last, 0, 6) is { } activatedAt)
        {
            journey.Add(EventType.Track, "Activated", activatedAt);
            journey.Activated = true;
            var controlRate = _settings.FirstPurchase / (1 + _settings.TreatmentLift / 2);
            var rate = variant == "treatment" ? controlRate * (1 + _settings.TreatmentLift) : controlRate;
            var activatedDay = journey.DayIndexOf(activatedAt) - signupDay;
            if (random.NextDouble() < rate && journey.PlaceAfter(active, signupDay, activatedAt + 15 * MinuteMs, activatedDay, activatedDay + 2) is { } firstAt)
            {
                journey.AbandonCarts(active, signupDay, firstAt);
                journey.Purchase(firstAt, 0);
                var firstDay = journey.DayIndexOf(firstAt) - signupDay;
                if (random.NextDouble() < _settings.Repurchase && journey.PlaceAfter(active, signupDay, firstAt + 15 * MinuteMs, firstDay, firstDay + 29) is { } secondAt)
                {
                    journey.AbandonCarts(active, signupDay, secondAt);
                    journey.Purchase(secondAt, 1);
                }
                // Loyal buyers come back later, outside the repurchase window, which is what 90-day LTV sees.
                for (var n = firstDay + 31; n < active.Length; n++)
                {
                    if (active[n] && random.NextDouble() < _settings.LaterPurchasePerActiveDay && journey.PlaceAfter(active, signupDay, firstAt + 31L * 24 * 60 * MinuteMs, n, n) is { } laterAt)
                    {
                        journey.AbandonCarts(active, signupDay, laterAt);
                        journey.Purchase(laterAt, n);
                    }
                }
            }
        }
        AddLaterHabits(journey, active, signupDay, signupAt, index, back);
        var secondDeviceDay = random.NextDouble() < _settings.SecondDevice && active.Length > 1 ? random.Next(1, active.Length) : -1;
        for (var n = 1; n < active.Length; n++)
        {
            if (!active[n])
            {
                continue;
            }
            var at = journey.At(signupDay + n, random.NextInt64(8 * HourMs, 9 * HourMs));
            if (n == secondDeviceDay)
            {
                // A second device: browsed signed out first, then signed in, which links it to the user.
                journey.SwitchDevice();
                journey.Identified = false;
                journey.Add(EventType.Screen, "Home", at - random.NextInt64(5 * MinuteMs, 30 * MinuteMs));
                journey.Identified = true;
                journey.Add(EventType.Identify, null, at - random.NextInt64(MinuteMs, 4 * MinuteMs));
            }
            journey.Add(EventType.Screen, "Home", at);
        }
        return new SignedUp(journey, active, signupDay);
    }

    /// <summary>
    /// What a person does beyond the core funnel, drawn from a random of their own so the core journeys stay as they were:
    /// the gradual-rollout experiment, a first purchase long after signup for some activated non-buyers, a survey answer, and
    /// campaigns: which of the channel's brought them, a retargeting touch for some, the win-back SMS for some who come back.
    /// </summary>
    private void AddLaterHabits(Journey journey, bool[] active, int signupDay, long signupAt, int index, int back)
    {
        var own = OwnRandom(index);
        var rollout = own.NextDouble() < _settings.RolloutShare ? "new" : "control";
        journey.Add(EventType.Track, "Experiment Viewed", signupAt + 6_000, experiment: _settings.RolloutExperiment, variant: rollout);
        if (journey.Activated && journey.Purchases == 0 && own.NextDouble() < _settings.LateFirstPurchase)
        {
            var from = own.Next(10, 46);
            if (journey.PlaceAfter(active, signupDay, signupAt, from, from + 14, own) is { } firstAt)
            {
                journey.Purchase(firstAt, 0, own);
                var firstDay = journey.DayIndexOf(firstAt) - signupDay;
                // Half of them buy again: some within the week, the rest later in the month.
                var again = own.NextDouble();
                var (lo, hi) = again < 0.25 ? (firstDay, firstDay + 6) : again < 0.5 ? (firstDay + 8, firstDay + 29) : (-1, -1);
                if (lo >= 0 && journey.PlaceAfter(active, signupDay, firstAt + 15 * MinuteMs, lo, hi, own) is { } secondAt && secondAt - firstAt <= 30L * 24 * 60 * MinuteMs)
                {
                    journey.Purchase(secondAt, 1, own);
                }
            }
        }
        // Browsing on some active days: a few screens 20 to 40 minutes apart (so some runs split into two sessions), now and
        // then late in the evening, running past midnight.
        for (var n = 0; n < active.Length; n++)
        {
            if (!active[n] || own.NextDouble() >= _settings.BrowsingDays)
            {
                continue;
            }
            var at = journey.At(signupDay + n, own.NextDouble() < 0.1 ? own.NextInt64(23 * HourMs, 24 * HourMs - 10 * MinuteMs) : own.NextInt64(19 * HourMs, 22 * HourMs));
            for (var screens = own.Next(2, 6); screens > 0; screens--)
            {
                journey.Add(EventType.Screen, "Product List", at);
                at += own.NextInt64(20 * MinuteMs, 40 * MinuteMs);
            }
        }
        // Messages that reach the person on active days, some opened; a few persons are pushed twice a day, over a weekly cap.
        var pushedHard = own.NextDouble() < 0.03;
        for (var n = 0; n < active.Length; n++)
        {
            foreach (var (channel, sent, opened, chance, openChance) in Touches)
            {
                var messages = channel == "push" && pushedHard ? 2 : own.NextDouble() < chance ? 1 : 0;
                for (var m = 0; m < messages && active[n]; m++)
                {
                    var at = journey.At(signupDay + n, own.NextInt64(10 * HourMs, 21 * HourMs));
                    journey.Add(EventType.Track, sent, at);
                    if (own.NextDouble() < openChance)
                    {
                        journey.Add(EventType.Track, opened, at + own.NextInt64(MinuteMs, 30 * MinuteMs));
                    }
                }
            }
        }
        // Features used on some active days: search often, coupons and sharing now and then.
        for (var n = 0; n < active.Length; n++)
        {
            foreach (var (feature, chance) in _settings.Features)
            {
                if (active[n] && own.NextDouble() < chance)
                {
                    journey.Add(EventType.Track, feature, journey.At(signupDay + n, own.NextInt64(12 * HourMs, 22 * HourMs)));
                }
            }
        }
        if (own.NextDouble() < _settings.SurveyAnswered)
        {
            var day = own.Next(3, 50);
            if (journey.PlaceAfter(active, signupDay, signupAt, day, day + 10, own) is { } answeredAt)
            {
                // 0-10, with the promoters, passives and detractors of a middling product: NPS about +10.
                var roll = own.NextDouble();
                var score = roll < 0.40 ? own.Next(9, 11) : roll < 0.70 ? own.Next(7, 9) : own.Next(0, 7);
                journey.Add(EventType.Track, _settings.SurveyEvent, answeredAt,
                    properties: new Dictionary<string, string> { ["score"] = score.ToString(CultureInfo.InvariantCulture) });
            }
        }
        AddCampaigns(journey, active, signupDay, back, own);
    }

    private Random OwnRandom(int index) => new(unchecked((_settings.Seed * 1_000_003) + index));

    /// <summary>The person's acquisition campaign, the retargeting touch, the win-back SMS; drawn after every other habit so those stay as they were.</summary>
    private void AddCampaigns(Journey journey, bool[] active, int signupDay, int back, Random own)
    {
        journey.Acquisition = AcquisitionCampaign(own, journey.Channel);
        if (own.NextDouble() < _settings.Retargeted && journey.PlaceAfter(active, signupDay, long.MinValue, 1, 20, own) is { } retargetedAt)
        {
            journey.Touch(retargetedAt, PickCampaign(own, _settings.RetargetingCampaigns));
        }
        if (back >= 0 && back < active.Length && own.NextDouble() < _settings.WinBackCampaign)
        {
            journey.Touch(journey.At(signupDay + back, own.NextInt64(7 * HourMs, 8 * HourMs)), CampaignKey.Of("sms", "sms", "winback-coupon"));
        }
    }

    /// <summary>One of the channel's campaigns; a channel without any configured comes as its source alone, paid per click.</summary>
    private string? AcquisitionCampaign(Random own, string channel) =>
        PickCampaign(own, _settings.Campaigns.Where(c => c.Channel == channel).ToList()) ?? CampaignKey.Of(channel, "cpc", null);

    private static string? PickCampaign(Random random, IReadOnlyList<(string Channel, string Medium, string Name, double Weight)> campaigns)
    {
        if (campaigns.Count == 0)
        {
            return null;
        }
        var roll = random.NextDouble() * campaigns.Sum(c => c.Weight);
        var picked = campaigns.FirstOrDefault(c => (roll -= c.Weight) <= 0, campaigns[^1]);
        return CampaignKey.Of(picked.Channel, picked.Medium, picked.Name);
    }

    /// <summary>The touch channels the journeys receive: events, the chance of a message on an active day, the chance it is opened.</summary>
    private static readonly (string Channel, string Sent, string Opened, double Chance, double OpenChance)[] Touches =
    [
        ("push", "Push Notification Received", "Push Notification Tapped", 0.4, 0.25),
        ("sms", "SMS Delivered", "SMS Link Clicked", 0.08, 0.15),
        ("email", "Email Delivered", "Email Opened", 0.1, 0.2),
    ];

    private List<SimulatedEvent> Bouncer(Random random, int index, int day)
    {
        var journey = new Journey(this, random, null, index, Pick(random, _settings.Channels), Pick(random, _settings.Platforms));
        journey.Add(EventType.Page, "Home", journey.At(day, random.NextInt64(8 * HourMs, 23 * HourMs)));
        journey.Acquisition = AcquisitionCampaign(OwnRandom(index), journey.Channel);
        journey.NameCampaigns();
        return journey.Events;
    }

    private void Deliver(Random random, SortedDictionary<DateOnly, List<SimulatedEvent>> byDay, List<SimulatedEvent> events)
    {
        foreach (var e in events)
        {
            var receivedAt = e.Event.Timestamp + random.NextInt64(500, 30_000);
            if (random.NextDouble() < _settings.LateFraction)
            {
                receivedAt += random.NextInt64(1, 4) * 24 * HourMs;
            }
            Add(byDay, e with { Event = e.Event with { ReceivedAt = receivedAt } });
            if (random.NextDouble() < _settings.DuplicateFraction)
            {
                Add(byDay, e with { Event = e.Event with { ReceivedAt = receivedAt + random.NextInt64(0, 3) * 24 * HourMs + random.NextInt64(1_000, 60_000) } });
            }
        }
    }

    private void Add(SortedDictionary<DateOnly, List<SimulatedEvent>> byDay, SimulatedEvent e)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(e.Event.ReceivedAt), _zone).DateTime);
        if (!byDay.TryGetValue(day, out var list))
        {
            byDay[day] = list = [];
        }
        list.Add(e);
    }

    private static string Pick(Random random, IReadOnlyList<(string Name, double Weight)> items)
    {
        var roll = random.NextDouble() * items.Sum(i => i.Weight);
        foreach (var (name, weight) in items)
        {
            roll -= weight;
            if (roll <= 0)
            {
                return name;
            }
        }
        return items[^1].Name;
    }

    /// <summary>One person's events as they are generated.</summary>
    private sealed class Journey(JourneySimulator generator, Random random, string? userId, int index, string channel, string platform)
    {
        private readonly string _human = userId ?? $"anon-{index:D7}";
        private readonly string _firstDevice = $"anon-{index:D7}";
        private string _anonymousId = $"anon-{index:D7}";

        public List<SimulatedEvent> Events { get; } = [];

        /// <summary>The channel the person came from (<c>direct</c>: none).</summary>
        public string Channel => channel;

        /// <summary>The campaign (a <see cref="CampaignKey"/>) of the channel that brought the person; null for direct.</summary>
        public string? Acquisition { get; set; }

        /// <summary>The campaign came with the anonymous landing: its views name it, the signed-in calls do not.</summary>
        public bool CampaignOnLandingOnly { get; set; }

        /// <summary>
        /// Puts the acquisition campaign on the events that brought the person, as a web SDK does from the landing URL's utm
        /// parameters: the anonymous landing's views on its device, else the person's earliest event. Called once the journey is whole.
        /// </summary>
        public void NameCampaigns()
        {
            if (channel == "direct" || Acquisition is null || Events.Count == 0)
            {
                return;
            }
            var earliest = Events.Select((e, i) => (e.Event.Timestamp, i)).Min().i;
            for (var i = 0; i < Events.Count; i++)
            {
                var e = Events[i];
                var brought = CampaignOnLandingOnly ? e.UserId is null && e.AnonymousId == _firstDevice : i == earliest;
                if (brought && e.Event.Campaign is null)
                {
                    Events[i] = e with { Event = e.Event with { Channel = channel, Campaign = Acquisition } };
                }
            }
        }

        /// <summary>A later visit that came from <paramref name="campaign"/>: one screen naming it.</summary>
        public void Touch(long at, string? campaign) => Add(EventType.Screen, "Home", at, campaign: campaign);

        /// <summary>From now on the person's calls come from another device.</summary>
        public void SwitchDevice() => _anonymousId = $"anon-{index:D7}-2";

        /// <summary>From signup on, the person's calls carry their user id; before it, only the device's anonymous id.</summary>
        public bool Identified { get; set; }

        /// <summary>Unix ms of a local time of day on day <paramref name="dayIndex"/> of the data set.</summary>
        public long At(int dayIndex, long msOfDay)
        {
            var local = generator._settings.FirstDay.AddDays(dayIndex).ToDateTime(TimeOnly.MinValue).AddMilliseconds(msOfDay);
            while (generator._zone.IsInvalidTime(local))
            {
                local = local.AddHours(1);
            }
            return new DateTimeOffset(local, generator._zone.GetUtcOffset(local)).ToUnixTimeMilliseconds();
        }

        public int DayIndexOf(long unixMs) =>
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs), generator._zone).DateTime).DayNumber
            - generator._settings.FirstDay.DayNumber;

        /// <summary>A time after <paramref name="after"/> on an active day between the given offsets from signup, before 23:00 local; null when there is none.</summary>
        public long? PlaceAfter(bool[] active, int signupDay, long after, int fromOffset, int toOffset, Random? draw = null)
        {
            var pick = draw ?? random;
            var candidates = new List<long>();
            for (var n = Math.Max(0, fromOffset); n <= toOffset && n < active.Length; n++)
            {
                if (!active[n])
                {
                    continue;
                }
                var start = Math.Max(At(signupDay + n, 9 * HourMs), after);
                var end = At(signupDay + n, 23 * HourMs);
                if (start < end)
                {
                    candidates.Add(pick.NextInt64(start, end));
                }
            }
            return candidates.Count == 0 ? null : candidates[pick.Next(candidates.Count)];
        }

        public bool Activated { get; set; }

        public int Purchases { get; private set; }

        public int AbandonedCarts { get; private set; }

        /// <summary>Carts left before the purchase at <paramref name="purchaseAt"/>: as many as a geometric draw with mean 1 gives, each on an active day of the week before it and at least two hours before it.</summary>
        public void AbandonCarts(bool[] active, int signupDay, long purchaseAt)
        {
            var purchaseDay = DayIndexOf(purchaseAt) - signupDay;
            while (random.NextDouble() < Math.Min(0.5, generator._settings.CartAbandonment))
            {
                if (PlaceAfter(active, signupDay, long.MinValue, Math.Max(0, purchaseDay - 6), purchaseDay) is { } at)
                {
                    AbandonCart(Math.Min(at, purchaseAt - 2 * HourMs - random.NextInt64(0, HourMs)));
                }
            }
        }

        public void AbandonCart(long at)
        {
            Add(EventType.Track, "Product Viewed", at - 4 * MinuteMs);
            Add(EventType.Track, "Product Added", at);
            if (random.NextDouble() < 0.4)
            {
                Add(EventType.Track, "Checkout Started", at + 3 * MinuteMs);
            }
            AbandonedCarts++;
        }

        public void Purchase(long at, int nth, Random? draw = null)
        {
            var pick = draw ?? random;
            Purchases++;
            var price = Math.Round((decimal)(29 + pick.NextDouble() * 270), 2);
            Add(EventType.Track, "Product Viewed", at - 10 * MinuteMs);
            Add(EventType.Track, "Product Added", at - 6 * MinuteMs);
            Add(EventType.Track, "Checkout Started", at - 3 * MinuteMs);
            Add(EventType.Track, "Order Completed", at, revenue: price, properties: new Dictionary<string, string> { ["order_id"] = $"o-{index}-{nth}" });
        }

        public void Add(EventType type, string? name, long at, decimal? revenue = null, string? experiment = null, string? variant = null,
            Dictionary<string, string>? properties = null, string? campaign = null)
        {
            var messageId = string.Create(CultureInfo.InvariantCulture, $"g{generator._settings.Seed}-{index}-{Events.Count}");
            var user = Identified ? userId : null;
            var source = campaign is null ? null : CampaignKey.Parts(campaign).Source;
            Events.Add(new SimulatedEvent(
                new ProductEvent(messageId, user ?? _anonymousId, type, name, at, at, source, platform, revenue, experiment, variant, properties,
                    AnonymousOnly: user is null, LinkedDevice: user is null ? null : _anonymousId, Campaign: campaign),
                _anonymousId,
                user,
                _human));
        }
    }
}

/// <summary>
/// One simulated event: the event as the engine reads it from raw storage, the ids its Segment call carries (a user id
/// only from signup on), and the human behind it (the user id, or the device of a person who never signs up).
/// </summary>
public sealed record SimulatedEvent(ProductEvent Event, string AnonymousId, string? UserId, string Human);
