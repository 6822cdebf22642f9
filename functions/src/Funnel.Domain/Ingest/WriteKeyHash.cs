using System.Security.Cryptography;
using System.Text;

namespace Funnel.Domain.Ingest;

/// <summary>Keys are stored and compared only as SHA-256 hex; the table partition is the hash's first two characters.</summary>
public static class WriteKeyHash
{
    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string PartitionOf(string hash) => hash[..2];
}
