namespace Funnel.Storage.Keys;

/// <summary>Table keys for secrets and ids we store hashed: SHA-256 hex as the row key, its first two characters as the partition.</summary>
public static class HashedKey
{
    public static string Of(string key) => Funnel.Events.Privacy.PersonDigest.Of(key);

    public static string PartitionOf(string hash) => hash[..2];
}
