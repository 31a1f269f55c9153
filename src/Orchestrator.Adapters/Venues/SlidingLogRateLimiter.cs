using System.Threading.RateLimiting;

namespace Orchestrator.Adapters.Venues;

/// <summary>
/// A rate limiter that never grants more than <see cref="PermitLimit"/> permits in any window of
/// <see cref="Window"/>, wherever the window starts: it keeps the time of the last
/// <see cref="PermitLimit"/> grants (a sliding log) and grants again only once the oldest of them is a
/// whole window old. A token bucket or a fixed window lets up to twice the limit through across a
/// window boundary; venues that count per second (KIS: 20 REAL / 2 VIRTUAL requests per second per app
/// key) refuse the excess, so this limiter is exact.
/// </summary>
/// <remarks>
/// <para>Windows are half-open: grants at t and t + <see cref="Window"/> are in different windows.
/// Waiters are served first come, first served; <see cref="RateLimiter.AcquireAsync"/> waits for a
/// free slot (on the injected clock), <see cref="RateLimiter.AttemptAcquire"/> never waits. Permits
/// are not given back: a lease only says a request may go now.</para>
/// <para>Slow path: one lock around a fixed array; no allocation per grant beyond the async wait.</para>
/// </remarks>
public sealed class SlidingLogRateLimiter : RateLimiter
{
    private static readonly RateLimitLease s_granted = new Lease(true, null);

    private readonly TimeProvider _time;
    private readonly long _windowTicks;
    private readonly long[] _grants; // timestamps of the last PermitLimit grants, a ring; _oldest indexes the oldest
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _queue = new(1, 1); // one waiter at a time, first come first served
    private int _oldest;
    private int _count;
    private long _successful;
    private long _failed;
    private bool _disposed;

    /// <param name="permitLimit">Grants allowed in any window (at least 1).</param>
    /// <param name="window">The window (positive; 1 s for per-second limits).</param>
    /// <param name="time">The clock; tests inject a fake one.</param>
    public SlidingLogRateLimiter(int permitLimit, TimeSpan window, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;
        PermitLimit = permitLimit;
        Window = window;
        _windowTicks = (long)Math.Ceiling(window.TotalSeconds * _time.TimestampFrequency);
        _grants = new long[permitLimit];
    }

    /// <summary>Grants allowed in any window.</summary>
    public int PermitLimit { get; }

    /// <summary>The window the limit holds over.</summary>
    public TimeSpan Window { get; }

    /// <inheritdoc/>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    return TimeSpan.Zero;
                }

                long newest = _grants[(_oldest + _count - 1) % _grants.Length];
                TimeSpan since = _time.GetElapsedTime(newest);
                return since >= Window ? since - Window : null;
            }
        }
    }

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Available(_time.GetTimestamp()),
                CurrentQueuedCount = _queue.CurrentCount == 0 ? 1 : 0,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        CheckCount(permitCount);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long now = _time.GetTimestamp();
            if (Available(now) < permitCount)
            {
                _failed++;
                return new Lease(false, WaitFor(now));
            }

            for (int i = 0; i < permitCount; i++)
            {
                Grant(now);
            }

            return s_granted;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        CheckCount(permitCount);
        await _queue.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int granted = 0; granted < permitCount;)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    long now = _time.GetTimestamp();
                    if (Available(now) > 0)
                    {
                        Grant(now);
                        granted++;
                        continue;
                    }

                    wait = WaitFor(now);
                }

                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            return s_granted;
        }
        finally
        {
            _queue.Release();
        }
    }

    /// <summary>Free slots at <paramref name="now"/> (caller holds the lock): grants older than a window no longer count.</summary>
    private int Available(long now)
    {
        while (_count > 0 && now - _grants[_oldest] >= _windowTicks)
        {
            _oldest = (_oldest + 1) % _grants.Length;
            _count--;
        }

        return PermitLimit - _count;
    }

    private void Grant(long now)
    {
        _grants[(_oldest + _count) % _grants.Length] = now;
        _count++;
        _successful++;
    }

    /// <summary>How long until the oldest grant leaves the window (caller holds the lock; the log is full).</summary>
    private TimeSpan WaitFor(long now)
    {
        long ticks = _grants[_oldest] + _windowTicks - now;
        return TimeSpan.FromSeconds(Math.Max(1, ticks) / (double)_time.TimestampFrequency) + TimeSpan.FromTicks(1);
    }

    private void CheckCount(int permitCount) => ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, PermitLimit);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                _disposed = true;
            }

            // _queue is not disposed: a waiter may still release it; it holds no wait handle.
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name ? after : null;
            return metadata is not null;
        }
    }
}
