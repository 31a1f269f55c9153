using Orchestrator.Strategies;

namespace Orchestrator.Engine.Options;

/// <summary>The built-in rule strategies of the signal engine.</summary>
public sealed record RuleOptions
{
    /// <summary>Momentum/trend: buy when the fast EMA crosses above the slow one, sell (exit) on the cross down.</summary>
    public bool MomentumEnabled { get; init; } = true;

    public int MomentumFastPeriod { get; init; } = 12;

    public int MomentumSlowPeriod { get; init; } = 26;

    /// <summary>RSI mean reversion: buy when RSI crosses below oversold, sell (exit) when it crosses above overbought.</summary>
    public bool RsiReversionEnabled { get; init; } = true;

    public int RsiPeriod { get; init; } = 14;

    public decimal RsiOversold { get; init; } = 30m;

    public decimal RsiOverbought { get; init; } = 70m;

    /// <summary>
    /// The bars the rules compute on (issue 20): null = every trade or feed bar as it comes (as before); a length
    /// (<c>5m</c>, <c>1h</c>, <c>1d</c>) = the rules' own EMAs and RSI are fed each closed bar of that length (built on
    /// event time from the trades or feed bars, on the exchange's session with calendars) and the rules decide once
    /// per closed bar, on the input that closes it. Backtest and live run the same code.
    /// </summary>
    public Timeframe? Timeframe { get; init; }

    /// <summary>Confidence attached to rule signals (0..1).</summary>
    public decimal RuleConfidence { get; init; } = 0.75m;
}
