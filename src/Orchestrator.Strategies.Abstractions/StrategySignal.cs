using Orchestrator.Core;

namespace Orchestrator.Strategies;

/// <summary>
/// What a strategy asks the engine to do: the full order intent a signal carries (contract C2).
/// The engine's risk gate, sizing and order manager still decide: <see cref="Quantity"/> is an
/// upper bound (0 = let sizing decide), and every risk limit applies. Prices are fixed-point raw
/// units (<see cref="FixedPoint.FromDecimal"/>). Build it with an object initializer:
/// <code>new StrategySignal { SymbolId = id, Side = Side.Buy, Quantity = 100, OrderType = OrderType.Stop, StopPriceRaw = high, Reason = "orb_breakout" }</code>
/// </summary>
public readonly struct StrategySignal
{
    /// <summary>A market order for the whole confidence (1.0), day order, sizing decides the quantity.</summary>
    public StrategySignal()
    {
        ConfidencePpm = SignalLimits.ConfidenceScalePpm;
    }

    /// <summary>The engine's symbol id (<see cref="IStrategyContext.SymbolId"/>); it must be one of the strategy's symbols.</summary>
    public int SymbolId { get; init; }

    public Side Side { get; init; }

    /// <summary>Shares wanted; 0 = position sizing decides. Sizing and risk may give fewer, never more.</summary>
    public long Quantity { get; init; }

    /// <summary>Market (default), Limit (needs <see cref="LimitPriceRaw"/>), Stop (needs <see cref="StopPriceRaw"/>) or StopLimit (both).</summary>
    public OrderType OrderType { get; init; }

    /// <summary>Limit price in raw units (Limit and StopLimit; 0 otherwise).</summary>
    public long LimitPriceRaw { get; init; }

    /// <summary>Stop (trigger) price in raw units (Stop and StopLimit; 0 otherwise).</summary>
    public long StopPriceRaw { get; init; }

    /// <summary>Time in force; Day by default.</summary>
    public TimeInForce Tif { get; init; }

    /// <summary>Confidence in millionths (0..1,000,000 = 0..1); 1.0 unless set. The risk gate refuses one below its minimum.</summary>
    public int ConfidencePpm { get; init; }

    /// <summary>
    /// A short reason code for the audit trail (e.g. <c>"orb_breakout"</c>). Use a constant: the host
    /// interns it once and then recognises the same string instance without allocating.
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>The first problem with the intent's shape, or null: prices match the order type, quantity ≥ 0, confidence in range, a side.</summary>
    public string? ShapeError()
    {
        if (Side == Side.None)
        {
            return "side: buy or sell";
        }

        if (Quantity is < 0 or > SignalIntentRules.MaxQuantity)
        {
            return "quantity: must be 0 (sizing decides) or 1.." + SignalIntentRules.MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if ((uint)ConfidencePpm > SignalLimits.ConfidenceScalePpm)
        {
            return "confidence: must be within 0..1";
        }

        if (LimitPriceRaw < 0 || StopPriceRaw < 0)
        {
            return "price: must not be negative";
        }

        if (!SignalIntentRules.IsConsistent(OrderType, LimitPriceRaw, StopPriceRaw))
        {
            bool needsLimit = OrderType is OrderType.Limit or OrderType.StopLimit;
            return needsLimit != (LimitPriceRaw > 0)
                ? (needsLimit ? "limit_price: required by this order type" : "limit_price: only for limit and stop_limit orders")
                : (OrderType is OrderType.Stop or OrderType.StopLimit ? "stop_price: required by this order type" : "stop_price: only for stop and stop_limit orders");
        }

        return null;
    }
}
