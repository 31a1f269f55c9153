using Orchestrator.Core;
using Orchestrator.Engine.Indicators;
using Orchestrator.Engine.Snapshots;

namespace Orchestrator.Engine.Rules;

/// <summary>
/// Momentum/trend rule: BUY when the fast EMA crosses above the slow EMA, SELL when it crosses
/// back below. Only the cross itself signals (not every tick above), so a trend produces one
/// entry and one exit.
/// </summary>
/// <remarks>Per-symbol state in arrays; called on the signal engine's thread.</remarks>
public sealed class MomentumRule
{
    private readonly double[] _previousSpread;
    private readonly bool[] _hasPrevious;

    public MomentumRule(int symbolCount)
    {
        _previousSpread = new double[symbolCount];
        _hasPrevious = new bool[symbolCount];
    }

    /// <summary>The side to trade after this update of <paramref name="indicators"/>, or None.</summary>
    public Side Evaluate(int symbolId, IndicatorSet indicators)
    {
        if (!indicators.EmaSlow.IsReady || !indicators.EmaFast.IsReady)
        {
            return Side.None;
        }

        double spread = indicators.EmaFast.Value - indicators.EmaSlow.Value;
        Side side = Side.None;
        if (_hasPrevious[symbolId])
        {
            double previous = _previousSpread[symbolId];
            if (previous <= 0 && spread > 0)
            {
                side = Side.Buy;
            }
            else if (previous >= 0 && spread < 0)
            {
                side = Side.Sell;
            }
        }

        _previousSpread[symbolId] = spread;
        _hasPrevious[symbolId] = true;
        return side;
    }

    /// <summary>Writes the state (checkpoint).</summary>
    internal void WriteState(ref StateWriter w)
    {
        w.Doubles(_previousSpread);
        w.Bools(_hasPrevious);
    }

    /// <summary>Restores the state <see cref="WriteState"/> wrote (recovery, before any event).</summary>
    internal void ReadState(ref StateReader r)
    {
        r.Doubles(_previousSpread);
        r.Bools(_hasPrevious);
    }
}
