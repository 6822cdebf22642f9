using System.Globalization;
using System.Text.Json.Nodes;

namespace Funnel.Domain.Sample;

/// <summary>
/// Seeded, deterministic product journeys shaped like the operations reports this project comes from:
/// anonymous browsing, 注册 signup, 激活 activation, browsing, checkout, 首购 first purchase and 复购 repurchase,
/// an A/B experiment, over acquisition channels and platforms. Output is Segment calls, ready to send.
/// </summary>
public sealed class SampleJourneys(int seed)
{
    private static readonly (string Name, double Weight)[] Channels = [("wechat", 0.34), ("douyin", 0.26), ("baidu", 0.14), ("appstore", 0.11), ("direct", 0.15)];
    private static readonly (string Os, string Library, double Weight)[] Platforms = [("iOS", "analytics-ios", 0.42), ("Android", "analytics-android", 0.43), ("Web", "analytics.js", 0.15)];
    private static readonly string[] Products = ["sku-tea-01", "sku-tea-02", "sku-cup-11", "sku-pot-21", "sku-gift-31", "sku-set-41"];

    /// <summary>Journeys of <paramref name="persons"/> people whose first visit falls in the <paramref name="days"/> days before <paramref name="until"/>.</summary>
    public IEnumerable<JsonObject> Generate(int persons, int days, DateTimeOffset until)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(persons, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var random = new Random(seed);
        for (var p = 0; p < persons; p++)
        {
            foreach (var call in Journey(random, p, days, until).OrderBy(c => (string)c["timestamp"]!, StringComparer.Ordinal))
            {
                yield return call;
            }
        }
    }

    private static IEnumerable<JsonObject> Journey(Random random, int index, int days, DateTimeOffset until)
    {
        var anonymousId = $"anon-{index:D6}-{random.Next(100_000, 999_999)}";
        var userId = $"user-{index:D6}";
        var channel = Pick(random, Channels, c => c.Weight).Name;
        var platform = Pick(random, Platforms, p => p.Weight);
        var firstSeen = until - TimeSpan.FromSeconds(random.NextDouble() * days * 86_400);
        var clock = firstSeen;
        var context = new JsonObject
        {
            ["os"] = new JsonObject { ["name"] = platform.Os },
            ["library"] = new JsonObject { ["name"] = platform.Library, ["version"] = "4.0.0" },
            ["locale"] = "zh-CN",
            ["timezone"] = "Asia/Shanghai",
        };
        if (channel != "direct")
        {
            context["campaign"] = new JsonObject { ["source"] = channel, ["medium"] = "cpc", ["name"] = "winter-tea" };
        }
        JsonObject Call(string type, string? evt, bool identified, JsonObject? properties = null)
        {
            var call = new JsonObject
            {
                ["type"] = type,
                ["anonymousId"] = anonymousId,
                ["timestamp"] = clock.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                ["context"] = context.DeepClone(),
            };
            if (identified)
            {
                call["userId"] = userId;
            }
            if (evt is not null)
            {
                call[type == "page" || type == "screen" ? "name" : "event"] = evt;
            }
            if (properties is not null)
            {
                call["properties"] = properties;
            }
            return call;
        }
        void Advance(double meanSeconds) => clock += TimeSpan.FromSeconds(-Math.Log(1 - random.NextDouble()) * meanSeconds);
        bool Before() => clock < until;

        yield return Call(platform.Os == "Web" ? "page" : "screen", "Home", identified: false);
        Advance(300);
        if (random.NextDouble() > 0.7 || !Before())
        {
            yield break;
        }
        yield return Call("track", "Signed Up", identified: true, new JsonObject { ["method"] = random.NextDouble() < 0.6 ? "phone" : "wechat" });
        var identify = Call("identify", null, identified: true);
        identify["traits"] = new JsonObject { ["plan"] = "free", ["city"] = random.NextDouble() < 0.5 ? "上海" : "杭州" };
        yield return identify;
        var variant = random.NextDouble() < 0.5 ? "control" : "treatment";
        yield return Call("track", "Experiment Viewed", identified: true, new JsonObject { ["experiment"] = "pay-3-steps", ["variant"] = variant });

        Advance(86_400 * 1.5);
        if (random.NextDouble() > 0.65 || !Before())
        {
            yield break;
        }
        yield return Call("track", "Activated", identified: true);
        var purchaseChance = variant == "treatment" ? 0.45 : 0.38;
        for (var visit = 0; visit < 3 && Before(); visit++)
        {
            var product = Products[random.Next(Products.Length)];
            var price = Math.Round(29 + random.NextDouble() * 270, 2);
            yield return Call("track", "Product Viewed", identified: true, new JsonObject { ["product_id"] = product, ["price"] = price });
            Advance(120);
            if (random.NextDouble() > 0.55)
            {
                Advance(86_400);
                continue;
            }
            yield return Call("track", "Product Added", identified: true, new JsonObject { ["product_id"] = product, ["price"] = price, ["quantity"] = 1 });
            Advance(180);
            yield return Call("track", "Checkout Started", identified: true, new JsonObject { ["value"] = price, ["currency"] = "CNY" });
            Advance(240);
            if (random.NextDouble() < purchaseChance && Before())
            {
                yield return Call("track", "Order Completed", identified: true, new JsonObject
                {
                    ["order_id"] = $"o-{index:D6}-{visit}",
                    ["revenue"] = price,
                    ["currency"] = "CNY",
                    ["products"] = new JsonArray(new JsonObject { ["product_id"] = product, ["price"] = price, ["quantity"] = 1 }),
                });
                purchaseChance = 0.35;
            }
            Advance(86_400 * 2);
        }
    }

    private static T Pick<T>(Random random, T[] items, Func<T, double> weight)
    {
        var roll = random.NextDouble() * items.Sum(weight);
        foreach (var item in items)
        {
            roll -= weight(item);
            if (roll <= 0)
            {
                return item;
            }
        }
        return items[^1];
    }
}
