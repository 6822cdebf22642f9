namespace Funnel.Standalone.Hosting;

/// <summary>
/// How long a queue poller waits after a poll that found nothing, as the Functions host's queue listener does:
/// the minimum right after messages were found, then the minimum plus a doubling step (±20 % jitter), up to the maximum.
/// </summary>
public sealed class PollingBackoff
{
    private const double Jitter = 0.2;
    private readonly TimeSpan _minimum;
    private readonly TimeSpan _maximum;
    private TimeSpan _current;
    private int _exponent;
    private bool _foundSinceLastDelay;

    public PollingBackoff(TimeSpan minimum, TimeSpan maximum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimum.Ticks, nameof(minimum));
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, minimum);
        (_minimum, _maximum, _current) = (minimum, maximum, minimum);
    }

    /// <summary>A poll found messages: the next empty poll waits the minimum again.</summary>
    public void Found() => _foundSinceLastDelay = true;

    /// <summary>The wait after an empty (or failed) poll.</summary>
    public TimeSpan NextDelay()
    {
        if (_foundSinceLastDelay)
        {
            (_current, _exponent, _foundSinceLastDelay) = (_minimum, 1, false);
        }
        else if (_current < _maximum)
        {
            var next = _exponent == 0 ? _minimum
                : _minimum + TimeSpan.FromMilliseconds((1 + Jitter * (2 * Random.Shared.NextDouble() - 1)) * Math.Pow(2, _exponent - 1) * _minimum.TotalMilliseconds);
            _current = next < _maximum ? next : _maximum;
            _exponent++;
        }
        return _current;
    }
}
