using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Funnel.Domain.Tests.Ingest;
using Funnel.Events.Privacy;

namespace Funnel.Domain.Tests.Privacy;

public class IngestMaskingTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    private static MaskingRules Rules(IpMasking ip = IpMasking.Truncate, byte[]? secret = null, IReadOnlyList<string>? drop = null) =>
        new(ip, MaskingRules.DefaultHashKeys, drop ?? [], secret ?? Secret);

    private static async Task<JsonElement> PostOneAsync(MaskingRules rules, string json)
    {
        var result = await new IntakeHarness(rules).PostAsync("batch", json);
        return Assert.Single(IntakeHarness.Events(result));
    }

    private static string Expected(byte[] secret, string value) =>
        "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(value)));

    [Fact]
    public async Task Email_phone_and_name_become_the_hmac_of_their_value_and_other_traits_stay()
    {
        var e = await PostOneAsync(Rules(), """
            {"batch":[{"type":"identify","userId":"u1","traits":{"email":"li.lei@example.com","phone":"+8613800138000","name":"Li Lei","plan":"pro"},
              "context":{"traits":{"email":"li.lei@example.com"}}}]}
            """);
        var traits = e.GetProperty("traits");
        Assert.Equal(Expected(Secret, "li.lei@example.com"), traits.GetProperty("email").GetString());
        Assert.Equal(Expected(Secret, "+8613800138000"), traits.GetProperty("phone").GetString());
        Assert.Equal(Expected(Secret, "Li Lei"), traits.GetProperty("name").GetString());
        Assert.Equal("pro", traits.GetProperty("plan").GetString());
        Assert.Equal(Expected(Secret, "li.lei@example.com"), e.GetProperty("context").GetProperty("traits").GetProperty("email").GetString());
        Assert.DoesNotContain("example.com", e.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("13800138000", e.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_match_without_regard_to_case_and_non_string_values_hash_their_json()
    {
        var e = await PostOneAsync(Rules(), """
            {"batch":[{"type":"track","event":"A","userId":"u1","properties":{"Phone":13800138000,"email":null},"traits":{"address":{"city":"Shanghai","street":"1 Road"}}}]}
            """);
        Assert.Equal(Expected(Secret, "13800138000"), e.GetProperty("properties").GetProperty("Phone").GetString());
        Assert.Equal(JsonValueKind.Null, e.GetProperty("properties").GetProperty("email").ValueKind);
        Assert.Equal(Expected(Secret, """{"city":"Shanghai","street":"1 Road"}"""), e.GetProperty("traits").GetProperty("address").GetString());
    }

    [Fact]
    public async Task The_same_input_hashes_the_same_in_a_new_intake_and_differently_with_another_secret()
    {
        const string Json = """{"batch":[{"type":"identify","userId":"u1","traits":{"email":"a@b.c"}}]}""";
        var first = (await PostOneAsync(Rules(), Json)).GetProperty("traits").GetProperty("email").GetString();
        var again = (await PostOneAsync(Rules(secret: [.. Secret]), Json)).GetProperty("traits").GetProperty("email").GetString();
        var other = (await PostOneAsync(Rules(secret: RandomNumberGenerator.GetBytes(32)), Json)).GetProperty("traits").GetProperty("email").GetString();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.StartsWith("hmac-sha256:", other, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::")]
    [InlineData("::ffff:198.51.100.9", "198.51.100.0")]
    public async Task The_ip_is_cut_to_its_network_by_default(string ip, string expected)
    {
        var e = await PostOneAsync(Rules(), $$$"""{"batch":[{"type":"track","event":"A","userId":"u1","context":{"ip":"{{{ip}}}"}}]}""");
        Assert.Equal(expected, e.GetProperty("context").GetProperty("ip").GetString());
    }

    [Fact]
    public async Task A_batch_level_ip_is_truncated_too_and_an_ip_that_does_not_parse_is_left_out()
    {
        var result = await new IntakeHarness(Rules()).PostAsync("batch", """
            {"context":{"ip":"192.0.2.200"},"batch":[{"type":"track","event":"A","userId":"u1"},{"type":"track","event":"B","userId":"u1","context":{"ip":"not an ip"}}]}
            """);
        var events = IntakeHarness.Events(result);
        Assert.Equal("192.0.2.0", events[0].GetProperty("context").GetProperty("ip").GetString());
        Assert.False(events[1].GetProperty("context").TryGetProperty("ip", out _));
    }

    [Fact]
    public async Task Ip_drop_removes_it_and_keep_keeps_it()
    {
        const string Json = """{"batch":[{"type":"track","event":"A","userId":"u1","context":{"ip":"203.0.113.77","locale":"zh-CN"}}]}""";
        var dropped = await PostOneAsync(Rules(IpMasking.Drop), Json);
        Assert.False(dropped.GetProperty("context").TryGetProperty("ip", out _));
        Assert.Equal("zh-CN", dropped.GetProperty("context").GetProperty("locale").GetString());
        Assert.Equal("203.0.113.77", (await PostOneAsync(Rules(IpMasking.Keep), Json)).GetProperty("context").GetProperty("ip").GetString());
    }

    [Fact]
    public async Task Drop_keys_are_removed_wherever_they_are_listed()
    {
        var e = await PostOneAsync(Rules(drop: ["properties.idCard", "context.device.advertisingId"]), """
            {"batch":[{"type":"track","event":"A","userId":"u1","properties":{"idCard":"310101","sku":"x"},"context":{"device":{"advertisingId":"ad-1","model":"P60"}}}]}
            """);
        Assert.False(e.GetProperty("properties").TryGetProperty("idCard", out _));
        Assert.Equal("x", e.GetProperty("properties").GetProperty("sku").GetString());
        Assert.False(e.GetProperty("context").GetProperty("device").TryGetProperty("advertisingId", out _));
        Assert.Equal("P60", e.GetProperty("context").GetProperty("device").GetProperty("model").GetString());
    }

    [Fact]
    public void Hash_keys_without_a_secret_are_refused_with_the_setting_named()
    {
        var problem = new MaskingRules(IpMasking.Truncate, MaskingRules.DefaultHashKeys, [], null).Problem();
        Assert.NotNull(problem);
        Assert.Contains("Privacy__HashSecret", problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new EventMasking(new MaskingRules(IpMasking.Truncate, ["traits.email"], [], null)));
        Assert.Contains("at least 32", new MaskingRules(IpMasking.Truncate, ["traits.email"], [], [1, 2, 3]).Problem(), StringComparison.Ordinal);
        Assert.Null(new MaskingRules(IpMasking.Truncate, [], ["traits.email"], null).Problem());
        var unresolved = System.Text.Encoding.UTF8.GetBytes("@Microsoft.KeyVault(VaultName=funnelkv;SecretName=privacy-hash-secret)");
        Assert.Contains("could not resolve", new MaskingRules(IpMasking.Truncate, ["traits.email"], [], unresolved).Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_erased_persons_events_are_acknowledged_counted_and_not_queued()
    {
        var harness = new IntakeHarness(Rules());
        harness.Erasures.Add(new ErasureRequest("e1", "userId", [PersonDigest.Of("u2"), PersonDigest.Of("device-9")], [0], DateTimeOffset.UnixEpoch, ErasureStatus.Pending, ErasureCounts.Zero));

        var result = await harness.PostAsync("batch", """
            {"batch":[{"type":"track","event":"A","userId":"u1"},{"type":"track","event":"A","userId":"u2"},{"type":"page","anonymousId":"device-9"}]}
            """);

        Assert.Null(result.Refusal);
        Assert.Equal((true, 3, 2), (result.Answer.Success, result.Answer.Accepted, result.Erased));
        Assert.Equal("u1", Assert.Single(IntakeHarness.Events(result)).GetProperty("userId").GetString());

        var onlyErased = await harness.PostAsync("track", """{"event":"A","userId":"u2"}""");
        Assert.Equal((true, 1, 1), (onlyErased.Answer.Success, onlyErased.Answer.Accepted, onlyErased.Erased));
        Assert.Null(onlyErased.Batch);
        Assert.Null(onlyErased.Refusal);
    }
}
