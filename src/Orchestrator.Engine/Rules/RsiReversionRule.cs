using Orchestrator.Core;
using Orchestrator.Engine.Indicators;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Rules;

/// <summary>
/// RSI mean-reversion rule: BUY when RSI crosses below the oversold level, SELL when it
/// crosses above the overbought level.
/// </summary>
/// <remarks>Per-symbol state in arrays; called on the signal engine's thread.</remarks>
public sealed class RsiReversionRule
{
    private readonly double _oversold;
    private readonly double _overbought;
    private readonly double[] _previousRsi;
    private readonly bool[] _hasPrevious;

    public RsiReversionRule(int symbolCount, double oversold, double overbought)
    {
        if (!(oversold > 0 && oversold < overbought && overbought < 100))
        {
            throw new ArgumentOutOfRangeException(nameof(oversold), "Need 0 < oversold < overbought < 100.");
        }

        _oversold = oversold;
        _overbought = overbought;
        _previousRsi = new double[symbolCount];
        _hasPrevious = new bool[symbolCount];
    }

    public Side Evaluate(int symbolId, IndicatorSet indicators)
    {
        if (!indicators.Rsi.IsReady)
        {
            return Side.None;
        }

        double rsi = indicators.Rsi.Value;
        Side side = Side.None;
        if (_hasPrevious[symbolId])
        {
            double previous = _previousRsi[symbolId];
            if (previous >= _oversold && rsi < _oversold)
            {
                side = Side.Buy;
            }
            else if (previous <= _overbought && rsi > _overbought)
            {
                side = Side.Sell;
            }
        }

        _previousRsi[symbolId] = rsi;
        _hasPrevious[symbolId] = true;
        return side;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Doubles(_previousRsi);
        w.Bools(_hasPrevious);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Doubles(_previousRsi);
        r.Bools(_hasPrevious);
    }
}
