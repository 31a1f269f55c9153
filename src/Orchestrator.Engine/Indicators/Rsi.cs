using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Indicators;

/// <summary>
/// Wilder's relative strength index over price changes, 0..100. O(1) per update, no state but scalars.
/// </summary>
/// <remarks>
/// <para>Conventions: the first price only sets the reference; each later price gives a change
/// split into gain = max(change, 0) and loss = max(-change, 0). The first average gain and loss
/// are the simple means of the first <see cref="Period"/> changes, so <see cref="IsReady"/> turns
/// true after <c>Period + 1</c> prices. After that Wilder's smoothing applies, evaluated as
/// <c>avg = (avg * (Period - 1) + current) / Period</c>.</para>
/// <para>Value = <c>100 - 100 / (1 + avgGain / avgLoss)</c>; when avgLoss is 0 it is 100, and
/// when both averages are 0 (a flat series) it is 50. Before ready the same formula is applied
/// to the sums of the changes seen so far (same ratio as their means); with no change yet it is 50.</para>
/// <para>Inputs are not validated (Update never throws). Not thread-safe: used on the signal
/// engine's thread. Update allocates nothing.</para>
/// </remarks>
public sealed class Rsi
{
    /// <summary>Value when there is no movement to measure.</summary>
    public const double Neutral = 50.0;

    private readonly int _period;
    private readonly double _periodMinusOne;
    private readonly double _periodAsDouble; // the divisor as the division uses it: converted once, not per update (same value, exactly)
    private int _count;
    private double _previousPrice;
    private double _gainSum;
    private double _lossSum;
    private double _averageGain;
    private double _averageLoss;
    private double _value = Neutral;

    /// <param name="period">Number of changes averaged, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="period"/> is less than 1.</exception>
    public Rsi(int period = 14)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 1);
        _period = period;
        _periodMinusOne = period - 1;
        _periodAsDouble = period;
    }

    public int Period => _period;

    /// <summary>Prices seen since construction or <see cref="Reset"/> (saturates at <see cref="int.MaxValue"/>).</summary>
    public int Count => _count;

    /// <summary>True after <c>Period + 1</c> prices (<see cref="Period"/> changes).</summary>
    public bool IsReady => _count > _period;

    /// <summary>RSI in 0..100; <see cref="Neutral"/> before the first change.</summary>
    public double Value => _value;

    /// <summary>Wilder average gain once ready; 0 before.</summary>
    public double AverageGain => _averageGain;

    /// <summary>Wilder average loss once ready; 0 before.</summary>
    public double AverageLoss => _averageLoss;

    /// <summary>Adds a price. O(1), no allocation, never throws.</summary>
    public void Update(double price)
    {
        int seen = _count;
        if (seen > 0)
        {
            double change = price - _previousPrice;
            double gain = change > 0 ? change : 0;
            double loss = change < 0 ? -change : 0;
            if (seen > _period)
            {
                _averageGain = ((_averageGain * _periodMinusOne) + gain) / _periodAsDouble;
                _averageLoss = ((_averageLoss * _periodMinusOne) + loss) / _periodAsDouble;
                _value = Compute(_averageGain, _averageLoss);
            }
            else
            {
                // Seeding; this is change number `seen`, and change number Period completes the seed.
                _gainSum += gain;
                _lossSum += loss;
                if (seen == _period)
                {
                    _averageGain = _gainSum / _period;
                    _averageLoss = _lossSum / _period;
                    _value = Compute(_averageGain, _averageLoss);
                }
                else
                {
                    _value = Compute(_gainSum, _lossSum);
                }
            }
        }

        _previousPrice = price;
        if (seen < int.MaxValue)
        {
            _count = seen + 1;
        }
    }

    /// <summary>Returns to the state after construction.</summary>
    public void Reset()
    {
        _count = 0;
        _previousPrice = 0;
        _gainSum = 0;
        _lossSum = 0;
        _averageGain = 0;
        _averageLoss = 0;
        _value = Neutral;
    }

    private static double Compute(double averageGain, double averageLoss)
    {
        if (averageLoss == 0)
        {
            return averageGain == 0 ? Neutral : 100.0;
        }

        return 100.0 - (100.0 / (1.0 + (averageGain / averageLoss)));
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Int32(_count);
        w.Double(_previousPrice);
        w.Double(_gainSum);
        w.Double(_lossSum);
        w.Double(_averageGain);
        w.Double(_averageLoss);
        w.Double(_value);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        _count = r.Int32();
        _previousPrice = r.Double();
        _gainSum = r.Double();
        _lossSum = r.Double();
        _averageGain = r.Double();
        _averageLoss = r.Double();
        _value = r.Double();
    }
}
