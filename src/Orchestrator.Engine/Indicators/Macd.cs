using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Moving average convergence/divergence: the difference of a fast and a slow <see cref="Ema"/>,
/// an <see cref="Ema"/> of that difference as the signal line, and their difference as the
/// histogram. O(1) per update; the three averages are allocated at construction.
/// </summary>
/// <remarks>
/// <para>Conventions: both price EMAs are seeded with the SMA of their first values (see
/// <see cref="Ema"/>). <see cref="MacdLine"/> = fast − slow on every update (before the slow EMA
/// is ready that is a difference of running means). The signal EMA is fed
/// <see cref="MacdLine"/> only from the update on which the slow EMA becomes ready, so it is
/// seeded with the mean of the first <c>signal</c> MACD values that are true EMA differences,
/// and <see cref="IsReady"/> turns true after <c>slow + signal − 1</c> prices.
/// <see cref="SignalLine"/> is 0 until the signal EMA has been fed; <see cref="Histogram"/> =
/// <see cref="MacdLine"/> − <see cref="SignalLine"/> always. Read them only when ready.</para>
/// <para>Inputs are not validated (Update never throws). Not thread-safe: used on the signal
/// engine's thread. Update allocates nothing.</para>
/// </remarks>
public sealed class Macd
{
    private readonly Ema _fast;
    private readonly Ema _slow;
    private readonly Ema _signal;
    private readonly bool _sharedInputs; // fast and slow belong to an IndicatorSet that updates them first
    private int _count;
    private double _macdLine;
    private double _histogram;

    /// <param name="fast">Fast EMA period, at least 1 and less than <paramref name="slow"/>.</param>
    /// <param name="slow">Slow EMA period.</param>
    /// <param name="signal">Signal EMA period, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">When a period is less than 1 or <paramref name="fast"/> is not less than <paramref name="slow"/>.</exception>
    public Macd(int fast = 12, int slow = 26, int signal = 9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fast, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slow, fast);
        _fast = new Ema(fast);
        _slow = new Ema(slow);
        _signal = new Ema(signal);
    }

    /// <summary>
    /// A MACD over EMAs its owner already keeps and updates before each <see cref="Update"/> (an <see cref="IndicatorSet"/>
    /// whose fast and slow EMA periods are MACD's: the same EMAs fed the same prices, computed once instead of twice).
    /// </summary>
    internal Macd(Ema fast, Ema slow, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(slow.Period, fast.Period);
        _fast = fast;
        _slow = slow;
        _signal = new Ema(signal);
        _sharedInputs = true;
    }

    public int FastPeriod => _fast.Period;

    public int SlowPeriod => _slow.Period;

    public int SignalPeriod => _signal.Period;

    /// <summary>Prices seen since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True once the signal EMA is seeded: after <c>slow + signal − 1</c> prices.</summary>
    public bool IsReady => _signal.IsReady;

    /// <summary>EMA(fast) − EMA(slow).</summary>
    public double MacdLine => _macdLine;

    /// <summary>EMA(signal) of <see cref="MacdLine"/>; 0 until the slow EMA is ready.</summary>
    public double SignalLine => _signal.Value;

    /// <summary><see cref="MacdLine"/> − <see cref="SignalLine"/>.</summary>
    public double Histogram => _histogram;

    /// <summary>Adds a price. O(1), no allocation, never throws.</summary>
    public void Update(double price)
    {
        if (!_sharedInputs)
        {
            _fast.Update(price);
            _slow.Update(price);
        }

        double macd = _fast.Value - _slow.Value;
        _macdLine = macd;
        if (_slow.IsReady)
        {
            _signal.Update(macd);
        }

        _histogram = macd - _signal.Value;
        if (_count < int.MaxValue)
        {
            _count++;
        }
    }

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        _fast.Reset();
        _slow.Reset();
        _signal.Reset();
        _count = 0;
        _macdLine = 0;
        _histogram = 0;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        _fast.WriteState(ref w);
        _slow.WriteState(ref w);
        _signal.WriteState(ref w);
        w.Int32(_count);
        w.Double(_macdLine);
        w.Double(_histogram);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _fast.ReadState(ref r);
        _slow.ReadState(ref r);
        _signal.ReadState(ref r);
        _count = r.Int32();
        _macdLine = r.Double();
        _histogram = r.Double();
    }
}
