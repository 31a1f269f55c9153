using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.State;

/// <summary>
/// A token bucket on event time: at most <c>capacity</c> takes per <c>window</c>, refilled
/// continuously. Integer arithmetic only; one token is <c>window</c> units of allowance and
/// every elapsed nanosecond adds <c>capacity</c> units, so nothing is rounded away. The allowance
/// is 128-bit: a daily window (8.64·10^13 ns) times a large daily limit overflows 64 bits.
/// </summary>
/// <remarks>Used by one thread (the risk stage).</remarks>
public struct TokenBucket
{
    private readonly long _capacity;
    private readonly long _windowNs;
    private Int128 _allowance;
    private long _lastNs;
    private bool _started;

    public TokenBucket(long capacity, long windowNs)
    {
        _capacity = capacity;
        _windowNs = windowNs;
        _allowance = (Int128)capacity * windowNs;
        _lastNs = 0;
        _started = false;
    }

    /// <summary>Takes per window; 0 = unlimited.</summary>
    public readonly long Capacity => _capacity;

    /// <summary>Whether the bucket limits anything (capacity &gt; 0).</summary>
    public readonly bool Enabled => _capacity > 0;

    /// <summary>Whether a token is available at <paramref name="nowNs"/> (does not take it).</summary>
    public bool CanTake(long nowNs)
    {
        if (!Enabled)
        {
            return true;
        }

        Refill(nowNs);
        return _allowance >= _windowNs;
    }

    /// <summary>Takes a token if one is available at <paramref name="nowNs"/>.</summary>
    public bool TryTake(long nowNs)
    {
        if (!CanTake(nowNs))
        {
            return false;
        }

        if (Enabled)
        {
            _allowance -= _windowNs;
        }

        return true;
    }

    /// <summary>Refills the bucket completely (start of a new day, for the daily bucket).</summary>
    public void Reset() => _allowance = (Int128)_capacity * _windowNs;

    private void Refill(long nowNs)
    {
        if (!_started)
        {
            _started = true;
            _lastNs = nowNs;
            return;
        }

        long elapsed = nowNs - _lastNs;
        if (elapsed <= 0)
        {
            return; // time never runs backwards for the bucket
        }

        _lastNs = nowNs;
        // Clamp so the product cannot overflow: a full window refills the bucket anyway.
        Int128 add = (Int128)Math.Min(elapsed, _windowNs) * _capacity;
        _allowance = Int128.Min(_allowance + add, (Int128)_capacity * _windowNs);
    }

    /// <summary>Writes the bucket (checkpoint, risk stage).</summary>
    internal readonly void WriteState(ref StateWriter w)
    {
        w.Int64(_capacity);
        w.Int64(_windowNs);
        w.Int128(_allowance);
        w.Int64(_lastNs);
        w.Bool(_started);
    }

    /// <summary>Restores what <see cref="WriteState"/> wrote.</summary>
    internal void ReadState(ref StateReader r)
    {
        long capacity = r.Int64();
        long windowNs = r.Int64();
        this = new TokenBucket(capacity, windowNs);
        _allowance = r.Int128();
        _lastNs = r.Int64();
        _started = r.Bool();
    }
}
