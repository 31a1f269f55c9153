using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Exponential moving average with smoothing factor alpha = 2 / (period + 1), seeded with the
/// simple mean of the first <see cref="Period"/> values. O(1) per update, no state but scalars.
/// </summary>
/// <remarks>
/// <para>Conventions: for the first <see cref="Period"/> updates <see cref="Value"/> is the running
/// mean of the values so far (0 before the first); the <see cref="Period"/>-th update makes it
/// the SMA seed and <see cref="IsReady"/> true. Every later update applies
/// <c>value = value + alpha * (x - value)</c>, evaluated in exactly that form (algebraically the
/// same as <c>alpha * x + (1 - alpha) * value</c>, but one rounding order is fixed so results are
/// bit-reproducible).</para>
/// <para><see cref="PreviousValue"/> is <see cref="Value"/> as it was before the latest update
/// (0 before the second update), for crossover detection. Both it and <see cref="Value"/> are
/// exponential averages only when <c>Count &gt; Period</c>; at <c>Count == Period</c> the previous
/// value is still the running mean of the first <c>Period - 1</c> values.</para>
/// <para>Inputs are not validated (Update never throws). Not thread-safe: used on the signal
/// engine's thread. Update allocates nothing.</para>
/// </remarks>
public sealed class Ema
{
    private readonly int _period;
    private readonly double _alpha;
    private int _count;
    private double _seedSum;
    private double _value;
    private double _previousValue;

    /// <param name="period">Period, at least 1 (period 1 gives alpha = 1: the value is the last input).</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="period"/> is less than 1.</exception>
    public Ema(int period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _alpha = 2.0 / (period + 1.0);
    }

    public int Period => _period;

    /// <summary>Smoothing factor 2 / (period + 1).</summary>
    public double Alpha => _alpha;

    /// <summary>Updates since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True once the SMA seed of the first <see cref="Period"/> values is in place.</summary>
    public bool IsReady => _count >= _period;

    /// <summary>The average; before ready, the running mean of the values so far (0 before the first).</summary>
    public double Value => _value;

    /// <summary><see cref="Value"/> before the latest update (0 until the second update).</summary>
    public double PreviousValue => _previousValue;

    /// <summary>Adds a value. O(1), no allocation, never throws.</summary>
    public void Update(double value)
    {
        _previousValue = _value;
        if (_count >= _period)
        {
            _value += _alpha * (value - _value);
        }
        else
        {
            _seedSum += value;
            _value = _seedSum / (_count + 1);
        }

        if (_count < int.MaxValue)
        {
            _count++;
        }
    }

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        _count = 0;
        _seedSum = 0;
        _value = 0;
        _previousValue = 0;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32(_count);
        w.Double(_seedSum);
        w.Double(_value);
        w.Double(_previousValue);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _count = r.Int32();
        _seedSum = r.Double();
        _value = r.Double();
        _previousValue = r.Double();
    }
}
