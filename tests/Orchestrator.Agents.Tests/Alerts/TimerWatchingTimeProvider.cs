using Microsoft.Extensions.Time.Testing;

namespace Orchestrator.Agents.Tests.Alerts;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also remembers the due times of the timers created on it,
/// so a test can wait until the code under test is actually waiting on a timer before it advances
/// the clock (advancing first would leave a timer created afterwards waiting for ever).
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly FakeTimeProvider _inner = new(start);
    private readonly List<TimeSpan> _dueTimes = [];

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = _inner.CreateTimer(callback, state, dueTime, period);
        lock (_dueTimes)
        {
            _dueTimes.Add(dueTime);
        }

        return timer;
    }

    /// <summary>How many timers have been created with this due time.</summary>
    public int TimersCreated(TimeSpan dueTime)
    {
        lock (_dueTimes)
        {
            return _dueTimes.Count(d => d == dueTime);
        }
    }

    public void Advance(TimeSpan delta) => _inner.Advance(delta);
}
