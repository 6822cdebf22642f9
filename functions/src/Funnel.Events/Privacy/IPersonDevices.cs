namespace Funnel.Events.Privacy;

/// <summary>A person's devices, from the IdentityLinks table.</summary>
public interface IPersonDevices
{
    /// <summary>The user an anonymous device is linked to, or null.</summary>
    Task<string?> UserOfAsync(string anonymousId, CancellationToken cancellationToken);

    /// <summary>Every anonymous device linked to a user.</summary>
    Task<IReadOnlyList<string>> DevicesOfAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Deletes the links of the devices with these digests; returns how many there were.</summary>
    Task<int> ForgetAsync(IReadOnlyCollection<string> digests, CancellationToken cancellationToken);
}
