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

    /// <summary>Confidence attached to rule signals (0..1).</summary>
    public decimal RuleConfidence { get; init; } = 0.75m;
}
