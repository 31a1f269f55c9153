namespace Orchestrator.Engine.Options;

/// <summary>How position sizing turns an intent into a share count.</summary>
public enum SizingMethod
{
    /// <summary>A fixed fraction of equity per trade, in notional.</summary>
    FixedFraction,

    /// <summary>Risk a fixed fraction of equity per trade, with the stop distance set by ATR × multiple.</summary>
    Volatility,

    /// <summary>The same share count every time.</summary>
    FixedQuantity,
}
