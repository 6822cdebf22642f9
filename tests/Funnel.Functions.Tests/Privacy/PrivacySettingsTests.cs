using Funnel.Events.Privacy;
using Microsoft.Extensions.Options;

namespace Funnel.Functions.Tests.Privacy;

/// <summary>The app refuses to start when it would hash keys without a secret, and says which setting to set.</summary>
public class PrivacySettingsTests
{
    [Fact]
    public void Hash_keys_without_a_secret_stop_the_app_at_start_naming_the_setting()
    {
        var error = Assert.ThrowsAny<Exception>(() => StandaloneHost.Start(new() { ["Privacy:HashSecret"] = "" }));
        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains("Privacy__HashSecret is required", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_hash_keys_no_secret_is_needed_and_the_settings_bind_case_insensitively()
    {
        await using var host = StandaloneHost.Start(new() { ["Privacy:HashSecret"] = "", ["Privacy:HashKeys:0"] = "", ["Privacy:Ip"] = "drop", ["Privacy:DropKeys:0"] = "traits.email" });
        var options = ((IOptions<Configuration.PrivacyOptions>)host.Services.GetService(typeof(IOptions<Configuration.PrivacyOptions>))!).Value;
        var rules = options.ToRules();
        Assert.Empty(rules.HashKeys);
        Assert.Equal(IpMasking.Drop, rules.Ip);
        Assert.Equal(["traits.email"], rules.DropKeys);
    }
}
