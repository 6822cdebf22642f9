using System.Security.Cryptography;

namespace Funnel.Testing;

/// <summary>Secrets the test hosts need, generated for each test run and never written down.</summary>
public static class TestSecrets
{
    /// <summary>A fresh <c>Privacy__HashSecret</c>: 32 random bytes as hex.</summary>
    public static string HashSecret { get; } = NewHashSecret();

    public static string NewHashSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
