using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Wilder's average true range. O(1) per update, no state but scalars.
/// </summary>
/// <remarks>
/// <para>Conventions: true range = max(high − low, |high − previous close|, |low − previous close|);
/// on the first bar it is high − low. The first ATR is the simple mean of the first
/// <see cref="Period"/> true ranges (<see cref="IsReady"/> after <see cref="Period"/> bars); after that
/// Wilder's smoothing applies, evaluated as <c>atr = (atr * (Period - 1) + tr) / Period</c>.
/// Before ready, <see cref="Value"/> is the mean of the true ranges so far (0 before the first bar).</para>
/// <para><see cref="Update(double)"/> treats a trade price as a bar with high = low = close, so its
/// true range is the absolute change from the previous price (0 for the first). Feed one
/// instance either bars or trades; mixing them mixes two different volatility scales.</para>
/// <para>Inputs are not validated (Update never throws); the caller guarantees high ≥ low.
/// Not thread-safe: used on the signal engine's thread. Update allocates nothing.</para>
/// </remarks>
public sealed class Atr
{
    private readonly int _period;
    private readonly double _periodMinusOne;
    private readonly double _periodAsDouble; // the divisor as the division uses it: converted once, not per update (same value, exactly)
    private int _count;
    private double _previousClose;
    private double _trueRange;
    private double _seedSum;
    private double _value;

    /// <param name="period">Number of bars averaged, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="period"/> is less than 1.</exception>
    public Atr(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _periodMinusOne = period - 1;
        _periodAsDouble = period;
    }

    public int Period => _period;

    /// <summary>Bars seen since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True after <see cref="Period"/> bars.</summary>
    public bool IsReady => _count >= _period;

    /// <summary>The ATR; before ready, the mean of the true ranges so far (0 before the first bar).</summary>
    public double Value => _value;

    /// <summary>True range of the latest bar (0 before the first).</summary>
    public double TrueRange => _trueRange;

    /// <summary>Adds a bar. O(1), no allocation, never throws.</summary>
    public void Update(double high, double low, double close)
    {
        int seen = _count;
        double trueRange = high - low;
        if (seen > 0)
        {
            double up = Math.Abs(high - _previousClose);
            double down = Math.Abs(low - _previousClose);
            trueRange = Math.Max(trueRange, Math.Max(up, down));
        }

        if (seen >= _period)
        {
            _value = ((_value * _periodMinusOne) + trueRange) / _periodAsDouble;
        }
        else
        {
            _seedSum += trueRange;
            _value = _seedSum / (seen + 1);
        }

        _trueRange = trueRange;
        _previousClose = close;
        if (seen < int.MaxValue)
        {
            _count = seen + 1;
        }
    }

    /// <summary>Adds a trade price as a bar with high = low = close = <paramref name="price"/>.</summary>
    public void Update(double price) => Update(price, price, price);

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        _count = 0;
        _previousClose = 0;
        _trueRange = 0;
        _seedSum = 0;
        _value = 0;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32(_count);
        w.Double(_previousClose);
        w.Double(_trueRange);
        w.Double(_seedSum);
        w.Double(_value);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _count = r.Int32();
        _previousClose = r.Double();
        _trueRange = r.Double();
        _seedSum = r.Double();
        _value = r.Double();
    }
}
