namespace Funnel.Reports;

/// <summary>Knows which read keys may fetch reports. Distinct from write keys: neither opens the other's door.</summary>
public interface IReadKeyDirectory
{
    Task<bool> IsKnownAsync(string key, CancellationToken cancellationToken);
}
