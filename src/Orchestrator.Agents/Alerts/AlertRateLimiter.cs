namespace Orchestrator.Agents.Alerts;

/// <summary>
/// A token bucket for one channel: <c>burst</c> sends at once, then <c>perMinute</c> a minute.
/// Time comes from the caller (the alert service's <see cref="TimeProvider"/>), so tests drive it
/// with a fake clock. Called only from the channel's sender task.
/// </summary>
public sealed class AlertRateLimiter
{
    private readonly double _capacity;
    private readonly double _tokensPerSecond;
    private double _tokens;
    private DateTimeOffset _last;

    public AlertRateLimiter(int perMinute, int burst, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        _capacity = burst;
        _tokensPerSecond = perMinute / 60.0;
        _tokens = burst;
        _last = now;
    }

    /// <summary>Takes a token if one is there.</summary>
    public bool TryTake(DateTimeOffset now)
    {
        if (now > _last)
        {
            _tokens = Math.Min(_capacity, _tokens + ((now - _last).TotalSeconds * _tokensPerSecond));
            _last = now;
        }

        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        return false;
    }
}
