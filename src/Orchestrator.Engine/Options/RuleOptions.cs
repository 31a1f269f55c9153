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

    /// <summary>
    /// Momentum's own bars (<c>rules.momentum.timeframe</c>) beside the shared <see cref="Timeframe"/>: null = the shared
    /// one; <see cref="RuleBars.Tick"/> = every trade or feed bar; a length = closed bars of that length, with their own
    /// EMAs. Each rule then decides on its own bars' closes; momentum still goes first when both decide on one input.
    /// </summary>
    public RuleBars? MomentumBars { get; init; }

    /// <summary>RSI reversion's own bars (<c>rules.rsi_reversion.timeframe</c>), as <see cref="MomentumBars"/>.</summary>
    public RuleBars? RsiReversionBars { get; init; }

    /// <summary>The bars momentum computes on: its own (<see cref="MomentumBars"/>), else the shared <see cref="Timeframe"/>; null = every update.</summary>
    public Timeframe? MomentumTimeframe => MomentumBars is { } own ? own.Timeframe : Timeframe;

    /// <summary>The bars RSI reversion computes on: its own (<see cref="RsiReversionBars"/>), else the shared <see cref="Timeframe"/>; null = every update.</summary>
    public Timeframe? RsiReversionTimeframe => RsiReversionBars is { } own ? own.Timeframe : Timeframe;

    /// <summary>Confidence attached to rule signals (0..1).</summary>
    public decimal RuleConfidence { get; init; } = 0.75m;
}

/// <summary>One rule's own bars (<see cref="RuleOptions.MomentumBars"/>, <see cref="RuleOptions.RsiReversionBars"/>).</summary>
/// <param name="Timeframe">The bar length; null = every trade or feed bar (<c>tick</c>).</param>
public readonly record struct RuleBars(Timeframe? Timeframe)
{
    /// <summary>Every trade or feed bar as it comes (<c>tick</c>), whatever the shared timeframe is.</summary>
    public static RuleBars Tick { get; } = new(null);
}
